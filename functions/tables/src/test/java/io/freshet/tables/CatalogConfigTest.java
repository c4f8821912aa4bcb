package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;

import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;

class CatalogConfigTest {

    @Test
    void tablesAreNamedByStackAndAsset() {
        assertEquals("freshet_freshet.core_trips", TableNames.table("freshet", "core.trips").toString());
        assertEquals("freshet_metro_dev.mart_daily_ridership", TableNames.table("Metro-Dev", "mart.daily_ridership").toString());
        assertThrows(IllegalArgumentException.class, () -> TableNames.table("freshet", "trips"));
        assertThrows(IllegalArgumentException.class, () -> TableNames.table("freshet", "a.b.c"));
    }

    @Test
    void theGlueCatalogIsConstructedWithS3FileIoAndTheUrlConnectionClient() throws Exception {
        CatalogConfig.Glue glue = new CatalogConfig.Glue("s3://lake/tables", "eu-central-1");
        assertEquals("org.apache.iceberg.aws.s3.S3FileIO", glue.properties().get("io-impl"));
        assertEquals("urlconnection", glue.properties().get("http-client.type"));
        Catalog catalog = glue.open();
        assertInstanceOf(GlueCatalog.class, catalog);
        assertEquals(CatalogConfig.CATALOG_NAME, catalog.name());
        ((GlueCatalog) catalog).close();
    }

    @Test
    void theLocalCatalogAddressesS3PathStyle() {
        CatalogConfig.Local local = new CatalogConfig.Local("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "pw",
                "s3://lake/tables", URI.create("http://127.0.0.1:9000"), "eu-central-1", "local", "local");
        assertEquals("true", local.properties().get("s3.path-style-access"));
        assertEquals("http://127.0.0.1:9000", local.properties().get("s3.endpoint"));
        assertEquals("jdbc:postgresql://127.0.0.1:5432/postgres", local.properties().get("uri"));
    }
}
