package io.freshet.emit;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A producer's announcement that objects of a source were written (docs/producers.md): which
 * asset, optionally which partition, the exact objects, free metadata, and who says so.
 */
public record Announcement(String asset, Optional<String> partition, List<String> objects, Map<String, String> metadata, Caller caller) {

    public Announcement {
        objects = List.copyOf(objects);
        metadata = Map.copyOf(metadata);
    }

    /** Who announced, as far as the way in can prove it. */
    public sealed interface Caller permits Principal, Account {
        /** How the caller is named in logs, reasons and the event's metadata. */
        String name();
    }

    /** A signed request's caller (the function URL's IAM authorizer): a user, a role or a role session ARN. */
    public record Principal(String arn) implements Caller {
        @Override
        public String name() {
            return arn;
        }
    }

    /** An event on the bus: EventBridge names only the account that put it. */
    public record Account(String id) implements Caller {
        @Override
        public String name() {
            return "account " + id;
        }
    }
}
