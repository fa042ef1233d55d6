package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.socialvp.wschat.testing.RawClient.handshakeStatus;

import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Server;

/**
 * {@code wschat.allowedHosts}: a page on another site that points its own DNS name at this
 * server sends {@code Host} and {@code Origin} that agree, which the origin check alone takes for
 * same-origin; with the host allowlist set, that handshake is refused before the upgrade.
 */
class HostAllowlistIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.allowedHosts", "svp.example, " + Server.HOST));
    }

    @Test
    void aRebindingShapedHandshakeIsRefusedWith403() {
        assertEquals(403, handshakeStatus(lobby(), Map.of("Host", "evil.example", "Origin", "http://evil.example")));
        assertEquals(403, handshakeStatus(lobby(), Map.of("Host", "evil.example:" + lobby().getPort(),
                "Origin", "http://evil.example:" + lobby().getPort())));
        assertEquals(403, handshakeStatus(room("party"), Map.of("Host", "evil.example",
                "Origin", "http://evil.example")));
    }

    @Test
    void aListedHostIsAcceptedOnAnyPort() {
        assertEquals(101, handshakeStatus(lobby(), Map.of("Host", "svp.example", "Origin", "http://svp.example")));
        assertEquals(101, handshakeStatus(lobby(), Map.of("Host", "SVP.example:8443", "Origin", "https://SVP.example:8443")));
        assertEquals(101, handshakeStatus(lobby(), Map.of()), "the address the tests use is listed");
    }

    @Test
    void aListedHostStillNeedsASameOriginPage() {
        assertEquals(403, handshakeStatus(lobby(), Map.of("Host", "svp.example", "Origin", "http://evil.example")));
    }
}
