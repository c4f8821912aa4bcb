package io.freshet.scheduler;

import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.services.s3.S3Client;

/**
 * What listing observed S3 sources ({@code observe: {list: true}}) takes: an S3 client and the
 * stack parameters their locations name ({@code LakeBucket}). Without a client, each listing
 * fails and is reported as a failed observation, as an observed PostgreSQL source without
 * credentials is.
 */
public record ListingAccess(Optional<S3Client> client, Map<String, String> parameters) {

    /** No S3 client: observed S3 sources are reported as failing until one is given. */
    public static final ListingAccess NONE = new ListingAccess(Optional.empty(), Map.of());

    public ListingAccess {
        parameters = Map.copyOf(parameters);
    }
}
