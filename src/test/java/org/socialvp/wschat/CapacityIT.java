package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** {@code wschat.maxConnections}: the server turns away what it cannot hold, and takes it back later. */
@ExtendWith(ArquillianExtension.class)
class CapacityIT {

    @ArquillianResource
    private URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.maxConnections", "3"));
    }

    @Test
    void aConnectionBeyondTheLimitIsClosedWith1013ServerFull() {
        URI lobby = Deployments.lobby(deployment);
        try (ChatClient first = ChatClient.identified(lobby, "first");
                ChatClient second = ChatClient.connect(lobby);
                ChatClient third = ChatClient.connect(lobby)) {
            try (RawClient fourth = RawClient.connect(lobby)) {
                assertEquals(101, fourth.status());
                RawClient.Frame close = fourth.readFrame();
                assertEquals(RawClient.CLOSE, close.opcode(), "no init frame, just the close");
                assertEquals(1013, close.closeCode());
                assertEquals("server full", close.closeReason());
            }
            second.close();
            try (ChatClient again = ChatClient.identified(lobby, "again")) {
                assertEquals("again", first.next("join").getString("who"));
            }
            assertEquals("again", first.next("quit").getString("who"));
            first.expectNothingMore();
        }
    }
}
