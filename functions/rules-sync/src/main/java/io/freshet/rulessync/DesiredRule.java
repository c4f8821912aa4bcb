package io.freshet.rulessync;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One consumer rule as it should exist on the bus: its pattern and its single target, the
 * trigger function, which receives {@code {"pipeline": ..., "event": ...}}.
 *
 * @param eventPattern  the EventBridge pattern, compact JSON
 * @param inputTemplate the target's InputTransformer template
 * @param delivery      how EventBridge retries a delivery to the target, and where it sends one it gives up on
 */
public record DesiredRule(String name, String description, String eventPattern, String targetId, String targetArn,
                          String inputTemplate, Delivery delivery) {

    public DesiredRule {
        Objects.requireNonNull(delivery, "delivery");
    }

    /** A rule with {@link Delivery#DEFAULT}: retries, but no dead-letter queue. */
    public DesiredRule(String name, String description, String eventPattern, String targetId, String targetArn, String inputTemplate) {
        this(name, description, eventPattern, targetId, targetArn, inputTemplate, Delivery.DEFAULT);
    }

    /**
     * The target's RetryPolicy and DeadLetterConfig. Without a dead-letter queue EventBridge drops
     * a delivery once its retries or its maximum age run out, without a trace.
     */
    public record Delivery(int maximumRetryAttempts, int maximumEventAgeSeconds, Optional<String> deadLetterArn) {

        /** EventBridge's limits. */
        static final int MAX_RETRY_ATTEMPTS = 185;
        static final int MIN_EVENT_AGE_SECONDS = 60;
        static final int MAX_EVENT_AGE_SECONDS = 86_400;

        /** The s3-events rule's policy in template.yaml: a few retries with backoff, within a day. */
        public static final Delivery DEFAULT = new Delivery(8, MAX_EVENT_AGE_SECONDS, Optional.empty());

        private static final Pattern SQS_ARN = Pattern.compile("arn:[a-z-]+:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}");

        public Delivery {
            if (maximumRetryAttempts < 0 || maximumRetryAttempts > MAX_RETRY_ATTEMPTS) {
                throw new IllegalArgumentException("maximum retry attempts " + maximumRetryAttempts + " is not within 0.." + MAX_RETRY_ATTEMPTS);
            }
            if (maximumEventAgeSeconds < MIN_EVENT_AGE_SECONDS || maximumEventAgeSeconds > MAX_EVENT_AGE_SECONDS) {
                throw new IllegalArgumentException("maximum event age " + maximumEventAgeSeconds + " s is not within "
                        + MIN_EVENT_AGE_SECONDS + ".." + MAX_EVENT_AGE_SECONDS);
            }
            Objects.requireNonNull(deadLetterArn, "deadLetterArn");
            deadLetterArn.ifPresent(arn -> {
                if (!SQS_ARN.matcher(arn).matches()) {
                    throw new IllegalArgumentException("the dead-letter queue '" + arn + "' is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)");
                }
            });
        }

        /** {@link #DEFAULT}'s retries, with this dead-letter queue. */
        public static Delivery withDeadLetters(String queueArn) {
            return new Delivery(DEFAULT.maximumRetryAttempts(), DEFAULT.maximumEventAgeSeconds(), Optional.of(queueArn));
        }
    }
}
