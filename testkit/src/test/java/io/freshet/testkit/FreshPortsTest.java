package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** A local server never listens on a port an earlier one of this JVM used (its dead keep-alive connections would be reused). */
class FreshPortsTest {

    @Test
    void aPortIsHandedOutOnceAndServersClaimTheirs() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertTrue(seen.add(FreshPorts.next()), "a port handed out twice");
        }
        int used = seen.iterator().next();
        assertFalse(FreshPorts.claim(used), "handed out, so claimed");
        try (LocalS3 s3 = LocalS3.start()) {
            assertFalse(seen.contains(s3.endpoint().getPort()));
            assertFalse(FreshPorts.claim(s3.endpoint().getPort()), "S3Proxy's port is claimed by its start");
        }
    }
}
