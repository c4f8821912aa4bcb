package io.freshet.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What one state-table call writes, item by item, for the meter's per-call listing: each item's
 * kind (its key's prefix) and, for a put, its size by DynamoDB's rule (attribute names and values
 * in UTF-8 bytes; a number about one byte per two digits; lists and maps 3 bytes plus 1 per
 * element). A write costs one unit per started KB of the item (two in a transaction), so this is
 * what says which item makes a call expensive.
 */
final class ItemSizes {

    private ItemSizes() {
    }

    /** "Put EV# 1,214 B, Put A#/E# 1,090 B, Check C#" for a transaction; one entry for a single write; empty otherwise. */
    static String describe(Object request) {
        List<String> parts = new ArrayList<>();
        switch (request) {
            case TransactWriteItemsRequest r -> r.transactItems().forEach(i -> parts.add(describe(i)));
            case PutItemRequest r -> parts.add("Put " + kind(r.item()) + " " + size(r.item()) + " B");
            case UpdateItemRequest r -> parts.add("Update " + kind(r.key()));
            default -> { }
        }
        return String.join(", ", parts);
    }

    private static String describe(TransactWriteItem i) {
        if (i.put() != null) {
            return "Put " + kind(i.put().item()) + " " + size(i.put().item()) + " B";
        }
        if (i.update() != null) {
            return "Update " + kind(i.update().key());
        }
        if (i.delete() != null) {
            return "Delete " + kind(i.delete().key());
        }
        return "Check " + kind(i.conditionCheck().key());
    }

    /** The item's kind: its partition key's prefix and, for the asset and consumer partitions, its sort key's. */
    private static String kind(Map<String, AttributeValue> item) {
        String pk = item.get("PK").s();
        String sk = item.get("SK").s();
        String kind = pk.contains("#") ? pk.substring(0, pk.indexOf('#') + 1) : pk;
        if (pk.startsWith("A#") || pk.startsWith("P#")) {
            kind += "/" + (sk.contains("#") ? sk.substring(0, sk.indexOf('#') + 1) : sk);
        }
        return kind;
    }

    static int size(Map<String, AttributeValue> item) {
        int bytes = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            bytes += utf8(e.getKey()) + size(e.getValue());
        }
        return bytes;
    }

    private static int size(AttributeValue v) {
        if (v.s() != null) {
            return utf8(v.s());
        }
        if (v.n() != null) {
            return (v.n().replace("-", "").replace(".", "").length() + 1) / 2 + 1;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToInt(x -> 1 + size(x)).sum();
        }
        if (v.hasM()) {
            return 3 + v.m().entrySet().stream().mapToInt(x -> 1 + utf8(x.getKey()) + size(x.getValue())).sum();
        }
        return v.b() != null ? v.b().asByteArray().length : 0;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
