package io.freshet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AllowedProducersTest {

    private final AllowedProducers producers = new AllowedProducers(List.of(
            "arn:aws:iam::123456789012:role/service-role/sales-export",
            "arn:aws:iam::210987654321:user/ci",
            "arn:aws:iam::333333333333:root"));

    @Test
    void aRoleAdmitsItsSessionsAndItselfButNotAnotherRoleOrAccount() {
        assertTrue(producers.allows("arn:aws:sts::123456789012:assumed-role/sales-export/nightly-run"));
        assertTrue(producers.allows("arn:aws:iam::123456789012:role/service-role/sales-export"));
        assertFalse(producers.allows("arn:aws:sts::123456789012:assumed-role/sales-export-v2/nightly"));
        assertFalse(producers.allows("arn:aws:sts::999999999999:assumed-role/sales-export/nightly-run"));
        assertFalse(producers.allows("arn:aws:iam::123456789012:user/sales-export"));
    }

    @Test
    void aUserAdmitsOnlyItselfAndRootItsWholeAccount() {
        assertTrue(producers.allows("arn:aws:iam::210987654321:user/ci"));
        assertFalse(producers.allows("arn:aws:iam::210987654321:user/cid"));
        assertTrue(producers.allows("arn:aws:sts::333333333333:assumed-role/anything/s"));
        assertFalse(producers.allows("arn:aws-cn:sts::333333333333:assumed-role/anything/s"));
        assertFalse(producers.allows("not an arn"));
        assertFalse(producers.allows(null));
    }

    @Test
    void theBusCanOnlyCheckAccounts() {
        assertEquals(Set.of("123456789012", "210987654321", "333333333333"), producers.accounts());
        assertTrue(producers.allowsAccount("210987654321"));
        assertFalse(producers.allowsAccount("444444444444"));
        assertFalse(AllowedProducers.NONE.allows("arn:aws:iam::123456789012:role/service-role/sales-export"));
    }

    @Test
    void onlyPrincipalArnsAreDeclarable() {
        assertTrue(AllowedProducers.problem("arn:aws:iam::123456789012:role/a/b").isEmpty());
        assertTrue(AllowedProducers.problem("arn:aws:iam::123456789012:root").isEmpty());
        assertTrue(AllowedProducers.problem("arn:aws:sts::123456789012:assumed-role/a/b").isPresent());
        assertTrue(AllowedProducers.problem("arn:aws:iam::123456789012:role/a*").isPresent());
        assertTrue(AllowedProducers.problem("arn:aws:iam::123456789012:role/a/").isPresent());
    }
}
