package io.freshet.tables;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Where the lake's tables are catalogued, chosen by configuration: {@link Local} (Iceberg's JDBC
 * catalog on PostgreSQL, files through S3FileIO against any S3 endpoint) or {@link Glue} (the
 * Glue Data Catalog, on AWS). Both keep the table files in S3 through {@code S3FileIO} with the
 * SDK's URL-connection HTTP client: no Hadoop, no Apache HTTP client.
 */
public sealed interface CatalogConfig {

    /** The catalog's name; readers of the JDBC catalog must use the same (it is a column of its tables). */
    String CATALOG_NAME = "freshet";

    /** The Iceberg catalog properties of this configuration. */
    Map<String, String> properties();

    /** A new, initialised catalog; the caller closes it when it is {@link AutoCloseable}. */
    Catalog open();

    /**
     * The JDBC catalog on PostgreSQL (the embedded stack's, tests'), with S3FileIO on
     * {@code s3Endpoint} (path-style, as S3Proxy and LocalStack want it).
     */
    record Local(String jdbcUrl, String user, String password, String warehouse, URI s3Endpoint, String region,
                 String accessKeyId, String secretAccessKey) implements CatalogConfig {

        public Local {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(warehouse, "warehouse");
            Objects.requireNonNull(s3Endpoint, "s3Endpoint");
            Objects.requireNonNull(region, "region");
        }

        @Override
        public Map<String, String> properties() {
            Map<String, String> p = common(warehouse, region);
            p.put("uri", jdbcUrl);
            p.put("jdbc.user", user);
            p.put("jdbc.password", password);
            p.put("s3.endpoint", s3Endpoint.toString());
            p.put("s3.path-style-access", "true");
            p.put("s3.access-key-id", accessKeyId);
            p.put("s3.secret-access-key", secretAccessKey);
            return p;
        }

        @Override
        public Catalog open() {
            JdbcCatalog catalog = new JdbcCatalog();
            catalog.initialize(CATALOG_NAME, properties());
            return catalog;
        }
    }

    /**
     * The Glue Data Catalog of the account and region the function runs in (its credentials come
     * from the Lambda role). Not exercised against AWS in tests: only constructed.
     */
    record Glue(String warehouse, String region) implements CatalogConfig {

        public Glue {
            Objects.requireNonNull(warehouse, "warehouse");
            Objects.requireNonNull(region, "region");
        }

        @Override
        public Map<String, String> properties() {
            return common(warehouse, region);
        }

        @Override
        public Catalog open() {
            GlueCatalog catalog = new GlueCatalog();
            catalog.initialize(CATALOG_NAME, properties());
            return catalog;
        }
    }

    private static Map<String, String> common(String warehouse, String region) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("warehouse", warehouse);
        p.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
        p.put("client.region", region);
        // The functions' HTTP client: Apache's and Netty's are left out of every package.
        p.put("http-client.type", "urlconnection");
        return p;
    }
}
