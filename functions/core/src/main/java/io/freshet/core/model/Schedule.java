package io.freshet.core.model;

import java.time.ZoneId;

import io.freshet.core.cron.AwsCron;

/** An AWS cron expression evaluated in a time zone. */
public record Schedule(AwsCron cron, ZoneId zone) {

    public String describe() {
        return cron + " " + (zone.equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId());
    }
}
