package io.freshet.engine.sql;

import java.util.Locale;

/** How an input's objects are read: derived assets are Parquet; sources say so in YAML (csv, parquet, json, ndjson). */
public enum InputFormat {
    PARQUET, CSV, JSON, NDJSON;

    public static InputFormat of(String yaml) {
        return valueOf(yaml.toUpperCase(Locale.ROOT));
    }

    /** Guesses from an object key, for sources that do not declare a format. */
    public static InputFormat fromKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".csv") || k.endsWith(".csv.gz") || k.endsWith(".tsv")) return CSV;
        if (k.endsWith(".ndjson") || k.endsWith(".jsonl")) return NDJSON;
        if (k.endsWith(".json")) return JSON;
        return PARQUET;
    }

    String reader() {
        return switch (this) {
            case PARQUET -> "read_parquet";
            case CSV -> "read_csv";
            case JSON -> "read_json";
            case NDJSON -> "read_ndjson";
        };
    }
}
