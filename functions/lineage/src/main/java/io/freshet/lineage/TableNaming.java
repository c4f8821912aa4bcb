package io.freshet.lineage;

import java.net.URI;
import java.util.Objects;

/**
 * How a lake table (an Iceberg table, one per derived asset) is named as an OpenLineage dataset:
 * one dataset per table, whatever partitions a run read or wrote, named by the catalog that holds
 * it, as OpenLineage's naming conventions (openlineage.io/docs/spec/naming) ask:
 * <ul>
 *   <li>{@link Glue}: the spec's AWS Glue naming, namespace {@code arn:aws:glue:{region}:{account id}},
 *       name {@code table/{database}/{table}};</li>
 *   <li>{@link Jdbc}: Iceberg's JDBC catalog on PostgreSQL (the embedded stack's). The spec has no
 *       entry for it; OpenLineage's own Spark integration names a table of an Iceberg JDBC catalog
 *       as the JDBC dataset of the catalog's database, with the Iceberg namespace as the schema, and
 *       so does Freshet: namespace {@code postgres://{host}:{port}}, name {@code {database}.{namespace}.{table}};</li>
 *   <li>{@link Location}: when the catalog is not known, the table's location, as the spec names
 *       S3 data: namespace {@code s3://{bucket}}, name the key of the table's directory.</li>
 * </ul>
 * A table dataset named by its catalog also carries its location as a symlink, so a tool that
 * knows the table by path (a Spark job reading it without the catalog) connects to it.
 */
public sealed interface TableNaming {

    /** An OpenLineage dataset identifier. */
    record Name(String namespace, String name) {
    }

    /** The table's name as an OpenLineage dataset. */
    Name name(RunLineage.Table table);

    /** The catalog's type for the catalog facet ({@code glue}, {@code jdbc}), empty when unknown. */
    String catalogType();

    static TableNaming location() {
        return new Location();
    }

    static TableNaming glue(String region, String accountId) {
        return new Glue(region, accountId);
    }

    static TableNaming jdbc(String jdbcUrl) {
        return new Jdbc(jdbcUrl);
    }

    /** The table's location: {@code s3://bucket} and the key of its directory. */
    record Location() implements TableNaming {
        @Override
        public Name name(RunLineage.Table table) {
            return locationName(table.location());
        }

        @Override
        public String catalogType() {
            return "";
        }
    }

    /** The Glue Data Catalog of an account and region. */
    record Glue(String region, String accountId) implements TableNaming {
        public Glue {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(accountId, "accountId");
        }

        @Override
        public Name name(RunLineage.Table table) {
            return new Name("arn:aws:glue:" + region + ":" + accountId, "table/" + table.database() + "/" + table.tableName());
        }

        @Override
        public String catalogType() {
            return "glue";
        }
    }

    /** Iceberg's JDBC catalog on the PostgreSQL database at {@code jdbcUrl} ({@code jdbc:postgresql://host[:port]/database[?...]}). */
    record Jdbc(String jdbcUrl) implements TableNaming {
        public Jdbc {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("an Iceberg JDBC catalog on PostgreSQL has a jdbc:postgresql://host:port/database URL, not " + jdbcUrl);
            }
        }

        @Override
        public Name name(RunLineage.Table table) {
            URI u = URI.create(jdbcUrl.substring("jdbc:".length()));
            String database = u.getPath() == null || u.getPath().length() <= 1 ? "postgres" : u.getPath().substring(1);
            return new Name("postgres://" + u.getHost() + ":" + (u.getPort() < 0 ? 5432 : u.getPort()),
                    database + "." + table.database() + "." + table.tableName());
        }

        @Override
        public String catalogType() {
            return "jdbc";
        }
    }

    /** {@code s3://bucket/some/key} as the spec names S3 data: {@code s3://bucket} and {@code some/key}. */
    static Name locationName(String location) {
        String rest = location.substring(location.indexOf("://") + 3);
        int slash = rest.indexOf('/');
        String scheme = location.substring(0, location.indexOf("://") + 3);
        return slash < 0 ? new Name(scheme + rest, "") : new Name(scheme + rest.substring(0, slash), rest.substring(slash + 1));
    }
}
