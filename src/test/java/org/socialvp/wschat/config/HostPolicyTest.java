package org.socialvp.wschat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HostPolicyTest {

    private final HostPolicy listed = new HostPolicy(Settings.load(
            Map.of("wschat.allowedHosts", " SVP.example , 10.0.0.7,[::1]")::get));

    @Test
    void withNothingConfiguredEveryHostIsAllowed() {
        HostPolicy any = new HostPolicy(Settings.defaults());
        assertTrue(any.allows("evil.example"));
        assertTrue(any.allows(null));
    }

    @Test
    void listedHostsAreAllowedWhateverThePortAndCase() {
        assertTrue(listed.allows("svp.example"));
        assertTrue(listed.allows("svp.example:8080"));
        assertTrue(listed.allows("Svp.Example:443"));
        assertTrue(listed.allows("10.0.0.7:8080"));
        assertTrue(listed.allows("[::1]:8080"));
        assertTrue(listed.allows("[::1]"));
    }

    @Test
    void anyOtherHostIsRefused() {
        assertFalse(listed.allows("evil.example"));
        assertFalse(listed.allows("evil.example:8080"));
        assertFalse(listed.allows("svp.example.evil.example"));
        assertFalse(listed.allows("10.0.0.8"));
        assertFalse(listed.allows(""));
        assertFalse(listed.allows(null), "no Host header at all");
    }

    @Test
    void thePortIsCutOffNamesAndBracketedAddresses() {
        assertEquals("svp.example", HostPolicy.withoutPort("svp.example:8080"));
        assertEquals("svp.example", HostPolicy.withoutPort("svp.example"));
        assertEquals("[2001:db8::1]", HostPolicy.withoutPort("[2001:db8::1]:8080"));
        assertEquals("[2001:db8::1]", HostPolicy.withoutPort("[2001:db8::1]"));
    }
}
