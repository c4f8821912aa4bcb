package io.freshet.rulessync;

import java.io.IOException;
import java.net.URI;

/** Delivers a custom resource's answer to CloudFormation's pre-signed response URL. */
@FunctionalInterface
public interface ResponseSender {

    /** PUTs {@code body} to {@code url}; returns the HTTP status of the answer. */
    int put(URI url, String body) throws IOException, InterruptedException;
}
