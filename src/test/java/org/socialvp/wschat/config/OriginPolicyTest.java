package org.socialvp.wschat.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    private final OriginPolicy defaults = new OriginPolicy(Settings.defaults());

    @Test
    void aRequestWithoutOriginIsAllowed() {
        assertTrue(defaults.allows(null, "svp.example:8080"));
    }

    @Test
    void aSameOriginRequestIsAllowed() {
        assertTrue(defaults.allows("http://svp.example:8080", "svp.example:8080"));
        assertTrue(defaults.allows("https://svp.example", "svp.example"));
        assertTrue(defaults.allows("http://SVP.example:8080", "svp.example:8080"));
    }

    @Test
    void aForeignOriginIsRefused() {
        assertFalse(defaults.allows("https://evil.example", "svp.example"));
        assertFalse(defaults.allows("http://svp.example:9999", "svp.example:8080"));
        assertFalse(defaults.allows("http://svp.example.evil.example", "svp.example"));
        assertFalse(defaults.allows("null", "svp.example"));
        assertFalse(defaults.allows("not a uri", "svp.example"));
        assertFalse(defaults.allows("https://svp.example", null));
    }

    @Test
    void configuredOriginsAreAllowedExactly() {
        OriginPolicy policy = new OriginPolicy(Settings.load(
                Map.of("wschat.allowedOrigins", "https://watch.example, https://other.example:8443")::get));
        assertTrue(policy.allows("https://watch.example", "svp.example"));
        assertTrue(policy.allows("https://other.example:8443", "svp.example"));
        assertFalse(policy.allows("https://other.example", "svp.example"));
        assertFalse(policy.allows("http://watch.example", "svp.example"));
        assertTrue(policy.allows("https://svp.example", "svp.example"), "same origin still allowed");
    }

    @Test
    void aStarAllowsEveryOrigin() {
        OriginPolicy policy = new OriginPolicy(Settings.load(Map.of("wschat.allowedOrigins", "*")::get));
        assertTrue(policy.allows("https://anything.example", "svp.example"));
    }
}
