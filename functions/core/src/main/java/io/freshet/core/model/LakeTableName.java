package io.freshet.core.model;

/**
 * The lake table a derived asset is published as, within its stack's namespace: the asset's name
 * with its one dot made an underscore ({@code core.trips} -> {@code core_trips}), which Glue,
 * Athena and every Iceberg catalog accept as is (asset names are {@code [a-z][a-z0-9_]*} on both
 * sides of the dot). Two assets that differ only in where the dot is ({@code a_b.c}, {@code a.b_c})
 * would share a table, so the loader refuses such a pair.
 */
public final class LakeTableName {

    private LakeTableName() {
    }

    /** The table name of {@code asset} ({@code layer.name}). */
    public static String of(String asset) {
        return asset.replace('.', '_');
    }
}
