package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** Cross-site WebSocket hijacking: foreign pages get HTTP 403 before the upgrade. */
class OriginIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.allowedOrigins", "https://svp.example"));
    }

    @Test
    void aForeignOriginGets403() {
        assertEquals(403, statusWithOrigin("https://evil.example"));
        assertEquals(403, statusWithOrigin("null"));
    }

    @Test
    void theSameHostOnAnotherPortIsForeign() {
        assertEquals(403, statusWithOrigin("http://" + lobby().getHost() + ":1"));
    }

    @Test
    void aSameOriginPageIsAccepted() {
        assertEquals(101, statusWithOrigin("http://" + lobby().getHost() + ":" + lobby().getPort()));
    }

    @Test
    void aRequestWithoutOriginIsAccepted() {
        try (RawClient client = RawClient.connect(lobby())) {
            assertEquals(101, client.status());
            assertEquals("init", ChatClient.parse(client.readText()).getString("type"));
            client.closeHandshakeThenReset();
        }
    }

    @Test
    void aConfiguredOriginIsAccepted() {
        assertEquals(101, statusWithOrigin("https://svp.example"));
        assertEquals(403, statusWithOrigin("https://svp.example:8443"));
    }

    /** The handshake's HTTP status (an accepted connection leaves with a close handshake). */
    private int statusWithOrigin(String origin) {
        return RawClient.handshakeStatus(lobby(), Map.of("Origin", origin));
    }
}
