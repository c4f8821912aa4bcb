package io.freshet.core.model;

import java.time.ZoneId;
import java.time.ZoneOffset;

import io.freshet.core.cron.AwsCron;

/** An AWS cron expression evaluated in a time zone. */
public record Schedule(AwsCron cron, ZoneId zone) {

    public String describe() {
        return cron + " " + (zone.equals(ZoneOffset.UTC) ? "UTC" : zone.getId());
    }
}
