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
 * {@code SCHED} / {@code LIST#{source}}: {@code settled} (a sortable instant), {@code recent} (the
 * fingerprints, space-separated, sorted; absent when none) and {@code v}. In the tick's partition,
 * but not a {@code CURSOR#} item: the tick's first query reads it and passes it by.
 */
final class DynamoListingCursors implements ListingCursors {

    static final String PREFIX = "LIST#";

    private final Table t;

    DynamoListingCursors(Table t) {
        this.t = t;
    }

    @Override
    public Optional<ListingCursor> cursor(String source) {
        return t.get(StoreKeys.SCHEDULE, PREFIX + source).map(i -> new ListingCursor(Instant.parse(i.get("settled").s()),
                i.containsKey("recent") ? Arrays.stream(i.get("recent").s().split(" ")).collect(Collectors.toSet()) : Set.of(),
                Long.parseLong(i.get("v").n())));
    }

    @Override
    public boolean advance(String source, Optional<ListingCursor> seen, ListingCursor next) {
        Items item = Items.of(PK, StoreKeys.SCHEDULE, SK, PREFIX + source).s("settled", sortable(next.settledBefore())).n("v", next.version());
        if (!next.recent().isEmpty()) {
            item.s("recent", String.join(" ", new TreeSet<>(next.recent())));
        }
        return t.conditionalPut(item.build(), seen.map(s -> "v = :v").orElse("attribute_not_exists(PK)"),
                seen.map(s -> Map.of(":v", Items.n(s.version()))).orElse(Map.<String, AttributeValue>of()));
    }
}
