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

/**
 * {@code wschat.allowedHosts}: a page on another site that points its own DNS name at this
 * server sends {@code Host} and {@code Origin} that agree, which the origin check alone takes for
 * same-origin; with the host allowlist set, that handshake is refused before the upgrade.
 */
@ExtendWith(ArquillianExtension.class)
class HostAllowlistIT {

    @ArquillianResource
    private URL deployment;

    private URI lobby;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.allowedHosts", "svp.example, 127.0.0.1"));
    }

    @BeforeEach
    void locate() {
        lobby = Deployments.quietLobby(deployment);
    }

    @Test
    void aRebindingShapedHandshakeIsRefusedWith403() {
        assertEquals(403, status(lobby, Map.of("Host", "evil.example", "Origin", "http://evil.example")));
        assertEquals(403, status(lobby, Map.of("Host", "evil.example:" + lobby.getPort(),
                "Origin", "http://evil.example:" + lobby.getPort())));
        assertEquals(403, status(Deployments.room(deployment, "party"), Map.of("Host", "evil.example",
                "Origin", "http://evil.example")));
    }

    @Test
    void aListedHostIsAcceptedOnAnyPort() {
        assertEquals(101, status(lobby, Map.of("Host", "svp.example", "Origin", "http://svp.example")));
        assertEquals(101, status(lobby, Map.of("Host", "SVP.example:8443", "Origin", "https://SVP.example:8443")));
        assertEquals(101, status(lobby, Map.of()), "the address the tests use, 127.0.0.1, is listed");
    }

    @Test
    void aListedHostStillNeedsASameOriginPage() {
        assertEquals(403, status(lobby, Map.of("Host", "svp.example", "Origin", "http://evil.example")));
    }

    /** The handshake's HTTP status; an accepted connection leaves with a close handshake. */
    private static int status(URI uri, Map<String, String> headers) {
        try (RawClient client = RawClient.connect(uri, headers)) {
            if (client.status() == 101) {
                client.closeHandshakeThenReset();
            }
            return client.status();
        }
    }
}
