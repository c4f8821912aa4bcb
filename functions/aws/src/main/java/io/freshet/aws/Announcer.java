package io.freshet.aws;

/** Where the trigger announces what it decided: EventBridge in AWS, the in-process bus locally. */
@FunctionalInterface
public interface Announcer {
    void announce(String detailType, String detailJson);
}
