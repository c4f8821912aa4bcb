package io.freshet.state.dynamo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Small builders for DynamoDB items, so the store reads as what it writes. */
final class Items {

    private final Map<String, AttributeValue> item = new HashMap<>();

    private Items() {
    }

    static Items of(String pkName, String pk, String skName, String sk) {
        return new Items().s(pkName, pk).s(skName, sk);
    }

    static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(StoreKeys.PK, s(pk), StoreKeys.SK, s(sk));
    }

    Items s(String name, String value) {
        item.put(name, s(value));
        return this;
    }

    Items n(String name, long value) {
        item.put(name, n(value));
        return this;
    }

    Items bool(String name, boolean value) {
        item.put(name, bool(value));
        return this;
    }

    Items list(String name, List<AttributeValue> values) {
        item.put(name, AttributeValue.builder().l(values).build());
        return this;
    }

    Map<String, AttributeValue> build() {
        return Map.copyOf(item);
    }

    static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.builder().bool(value).build();
    }
}
