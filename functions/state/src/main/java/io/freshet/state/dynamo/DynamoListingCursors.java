package io.freshet.state.dynamo;

import static io.freshet.state.dynamo.StoreKeys.PK;
import static io.freshet.state.dynamo.StoreKeys.SK;
import static io.freshet.state.dynamo.Table.sortable;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.freshet.state.ListingCursor;
import io.freshet.state.ListingCursors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code LIST#{source}} / {@code CURSOR}: {@code settled} (a sortable instant), {@code recent} (the
 * fingerprints, space-separated, sorted; absent when none) and {@code v}. A partition of its own,
 * not the tick's {@code SCHED}: the tick's first query reads all of {@code SCHED}, and a cursor may
 * hold up to 130 KB of fingerprints that only its source's observation needs.
 */
final class DynamoListingCursors implements ListingCursors {

    static final String PREFIX = "LIST#";
    static final String SORT_KEY = "CURSOR";

    private final Table t;

    DynamoListingCursors(Table t) {
        this.t = t;
    }

    @Override
    public Optional<ListingCursor> cursor(String source) {
        return t.get(PREFIX + source, SORT_KEY).map(i -> new ListingCursor(Instant.parse(i.get("settled").s()),
                i.containsKey("recent") ? Arrays.stream(i.get("recent").s().split(" ")).collect(Collectors.toSet()) : Set.of(),
                Long.parseLong(i.get("v").n())));
    }

    @Override
    public boolean advance(String source, Optional<ListingCursor> seen, ListingCursor next) {
        Items item = Items.of(PK, PREFIX + source, SK, SORT_KEY).s("settled", sortable(next.settledBefore())).n("v", next.version());
        if (!next.recent().isEmpty()) {
            item.s("recent", String.join(" ", new TreeSet<>(next.recent())));
        }
        return t.conditionalPut(item.build(), seen.map(s -> "v = :v").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":v", Items.n(s.version()))).orElse(Map.<String, AttributeValue>of()));
    }
}
