package io.freshet.tables;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

import io.freshet.core.model.LakeTableName;

/**
 * The naming rule of the lake's tables: one namespace (a Glue database) per stack,
 * {@code freshet_<stack prefix>}, and one table per asset, its name with the dot made an
 * underscore: asset {@code core.trips} of stack {@code freshet} is {@code freshet_freshet.core_trips}.
 * Glue and Athena want lower-case letters, digits and underscores only, so every other character
 * of the prefix (a {@code -}) becomes an underscore. The table's name is the core's rule
 * ({@link LakeTableName}); two assets that only differ by where the dot is ({@code a_b.c},
 * {@code a.b_c}) would share a table, which the loader refuses.
 */
public final class TableNames {

    private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-z0-9_]");

    private TableNames() {
    }

    /** {@code freshet_<prefix>}, lower-cased, every character not a letter, digit or underscore made {@code _}. */
    public static Namespace namespace(String stackPrefix) {
        Objects.requireNonNull(stackPrefix, "stackPrefix");
        return Namespace.of("freshet_" + NOT_ALLOWED.matcher(stackPrefix.toLowerCase(Locale.ROOT)).replaceAll("_"));
    }

    /** The table of {@code asset} ({@code layer.name}) in the stack's namespace: {@code layer_name}. */
    public static TableIdentifier table(String stackPrefix, String asset) {
        return TableIdentifier.of(namespace(stackPrefix), tableName(asset));
    }

    /** The table's name within its namespace: {@code layer_name} for asset {@code layer.name}. */
    public static String tableName(String asset) {
        Objects.requireNonNull(asset, "asset");
        int dot = asset.indexOf('.');
        if (dot <= 0 || dot != asset.lastIndexOf('.') || dot == asset.length() - 1) {
            throw new IllegalArgumentException("an asset name is layer.name, not " + asset);
        }
        return NOT_ALLOWED.matcher(LakeTableName.of(asset.toLowerCase(Locale.ROOT))).replaceAll("_");
    }
}
