package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** Cross-site WebSocket hijacking: foreign pages get HTTP 403 before the upgrade. */
@ExtendWith(ArquillianExtension.class)
class OriginIT {

    @ArquillianResource
    private URL deployment;

    private URI lobby;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.allowedOrigins", "https://svp.example"));
    }

    @BeforeEach
    void locate() {
        lobby = Deployments.quietLobby(deployment);
    }

    @Test
    void aForeignOriginGets403() {
        assertEquals(403, statusWithOrigin("https://evil.example"));
        assertEquals(403, statusWithOrigin("null"));
    }

    @Test
    void theSameHostOnAnotherPortIsForeign() {
        assertEquals(403, statusWithOrigin("http://" + lobby.getHost() + ":1"));
    }

    @Test
    void aSameOriginPageIsAccepted() {
        assertEquals(101, statusWithOrigin("http://" + lobby.getHost() + ":" + lobby.getPort()));
    }

    @Test
    void aRequestWithoutOriginIsAccepted() {
        try (RawClient client = RawClient.connect(lobby)) {
            assertEquals(101, client.status());
            assertEquals("init", org.socialvp.wschat.testing.ChatClient.parse(client.readText()).getString("type"));
            client.closeHandshakeThenReset();
        }
    }

    @Test
    void aConfiguredOriginIsAccepted() {
        assertEquals(101, statusWithOrigin("https://svp.example"));
        assertEquals(403, statusWithOrigin("https://svp.example:8443"));
    }

    /**
     * The handshake's HTTP status; an accepted connection leaves with a close handshake, since
     * vanishing the instant the upgrade is answered is a different test (DeadPeerIT, OperationsIT).
     */
    private int statusWithOrigin(String origin) {
        try (RawClient client = RawClient.connect(lobby, Map.of("Origin", origin))) {
            if (client.status() == 101) {
                client.closeHandshakeThenReset();
            }
            return client.status();
        }
    }
}
