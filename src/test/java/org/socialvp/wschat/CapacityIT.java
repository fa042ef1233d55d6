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

/** {@code wschat.maxConnections} and {@code wschat.maxConnectionsPerRoom}: turn away what cannot be held, take it back later. */
@ExtendWith(ArquillianExtension.class)
class CapacityIT {

    @ArquillianResource
    private URL deployment;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.maxConnections", "3", "wschat.maxConnectionsPerRoom", "2"));
    }

    @Test
    void aConnectionBeyondTheRoomLimitIsClosedWith1013RoomFull() {
        URI lobby = Deployments.quietLobby(deployment);
        try (ChatClient first = ChatClient.identified(lobby, "first");
                ChatClient second = ChatClient.connect(lobby)) {
            assertRefused(lobby, "room full");
            try (ChatClient elsewhere = ChatClient.connect(Deployments.room(deployment, "elsewhere"))) {
                assertEquals("elsewhere", elsewhere.init().getString("room"), "other rooms still open");
            }
            second.close();
            try (ChatClient again = ChatClient.identified(lobby, "again")) {
                assertEquals("again", first.next("join").getString("who"));
            }
            assertEquals("again", first.next("quit").getString("who"));
        }
    }

    @Test
    void aConnectionBeyondTheServerLimitIsClosedWith1013ServerFull() {
        URI lobby = Deployments.quietLobby(deployment);
        try (ChatClient first = ChatClient.identified(lobby, "first");
                ChatClient second = ChatClient.connect(lobby);
                ChatClient third = ChatClient.connect(Deployments.room(deployment, "other"))) {
            assertRefused(Deployments.room(deployment, "another"), "server full");
            third.close();
            try (ChatClient again = ChatClient.connect(Deployments.room(deployment, "another"))) {
                assertEquals("another", again.init().getString("room"));
            }
            first.expectNothingMore();
        }
    }

    private static void assertRefused(URI room, String reason) {
        try (RawClient refused = RawClient.connect(room)) {
            assertEquals(101, refused.status());
            RawClient.Frame close = refused.readFrame();
            assertEquals(RawClient.CLOSE, close.opcode(), "no init frame, just the close");
            assertEquals(1013, close.closeCode());
            assertEquals(reason, close.closeReason());
        }
    }
}
