package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** {@code wschat.maxConnections} and {@code wschat.maxConnectionsPerRoom}: turn away what cannot be held, take it back later. */
class CapacityIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.maxConnections", "3", "wschat.maxConnectionsPerRoom", "2"));
    }

    @Test
    void aConnectionBeyondTheRoomLimitIsClosedWith1013RoomFull() {
        try (ChatClient first = ChatClient.identified(lobby(), "first");
                ChatClient second = ChatClient.connect(lobby())) {
            assertRefused(lobby(), "room full");
            try (ChatClient elsewhere = ChatClient.connect(room("elsewhere"))) {
                assertEquals("elsewhere", elsewhere.init().getString("room"), "other rooms still open");
            }
            second.close();
            try (ChatClient again = ChatClient.identified(lobby(), "again")) {
                assertEquals("again", first.next("join").getString("who"));
            }
            assertEquals("again", first.next("quit").getString("who"));
        }
    }

    @Test
    void aConnectionBeyondTheServerLimitIsClosedWith1013ServerFull() {
        try (ChatClient first = ChatClient.identified(lobby(), "first");
                ChatClient second = ChatClient.connect(lobby());
                ChatClient third = ChatClient.connect(room("other"))) {
            assertRefused(room("another"), "server full");
            third.close();
            try (ChatClient again = ChatClient.connect(room("another"))) {
                assertEquals("another", again.init().getString("room"));
            }
            first.expectNothingMore();
        }
    }

    /** The upgrade is accepted, then the server sends no init frame, just the close. */
    private static void assertRefused(URI room, String reason) {
        try (RawClient refused = RawClient.connect(room)) {
            assertEquals(101, refused.status());
            refused.expectClose(1013, reason);
        }
    }
}
