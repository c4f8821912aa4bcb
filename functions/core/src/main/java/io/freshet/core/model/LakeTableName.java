package io.freshet.core.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The lake table a derived asset is published as, within its stack's namespace: the asset's name
 * with its one dot made an underscore ({@code core.trips} -> {@code core_trips}), which Glue,
 * Athena and every Iceberg catalog accept as is (asset names are {@code [a-z][a-z0-9_]*} on both
 * sides of the dot). Two assets that differ only in where the dot is ({@code a_b.c}, {@code a.b_c})
 * would share a table, so the loader refuses such a pair.
 */
public final class LakeTableName {

    private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9_]");

    private LakeTableName() {
    }

    /** The table name of {@code asset} ({@code layer.name}). */
    public static String of(String asset) {
        return asset.replace('.', '_');
    }

    /**
     * The stack's namespace (a Glue database): {@code freshet_<prefix>}, the prefix lower-cased and
     * every character not a letter, digit or underscore made {@code _}, as Glue and Athena want.
     * The same rule as the tables module's {@code TableNames.namespace}, for those (the CLI) that
     * name tables without the Iceberg library.
     */
    public static String namespace(String stackPrefix) {
        return "freshet_" + NOT_ALLOWED.matcher(stackPrefix.toLowerCase(Locale.ROOT)).replaceAll("_");
    }

    /** The catalog name of {@code asset}'s table in the stack's namespace: {@code freshet_demo.core_trips}. */
    public static String qualified(String stackPrefix, String asset) {
        return namespace(stackPrefix) + "." + of(asset);
    }
}
