package io.freshet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The AWS list prices `bench cost` bills with, from the one file that keeps them with their date (aws-prices.properties). */
record AwsPrices(String region, String asOf, double dynamoWriteUnit, double dynamoReadUnit, double lambdaRequest, double lambdaGbSecond,
                 double eventBridgeEvent, double logsIngestionGb, double xrayTrace, double mwaaSmallHour) {

    static AwsPrices load() {
        Properties p = new Properties();
        try (InputStream in = AwsPrices.class.getResourceAsStream("aws-prices.properties")) {
            if (in == null) {
                throw new IllegalStateException("aws-prices.properties is missing from the bench jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading aws-prices.properties", e);
        }
        return new AwsPrices(p.getProperty("prices.region"), p.getProperty("prices.as_of"), number(p, "dynamodb.write_request_unit"),
                number(p, "dynamodb.read_request_unit"), number(p, "lambda.request"), number(p, "lambda.gb_second.arm64"),
                number(p, "eventbridge.custom_event"), number(p, "logs.ingestion_gb"), number(p, "xray.trace_recorded"),
                number(p, "mwaa.mw1_small_hour"));
    }

    private static double number(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalStateException("aws-prices.properties has no " + key);
        }
        return Double.parseDouble(v.trim());
    }
}
