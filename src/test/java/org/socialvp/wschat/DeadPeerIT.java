package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.VanishingPeers;

/** Pings, pongs and the identify timeout, with intervals of a second or two. */
class DeadPeerIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of(
                "wschat.pingIntervalSeconds", "1",
                "wschat.pongTimeoutSeconds", "1",
                "wschat.identifyTimeoutSeconds", "2"));
    }

    /**
     * The ghost still reads, it only never answers a ping: so the server's close reaches it, and
     * must — 1001 {@code no pong}, after the pings it ignored.
     */
    @Test
    void aPeerThatNeverAnswersPingsIsClosedWith1001NoPongAndTheOthersSeeItQuit() {
        try (ChatClient watcher = ChatClient.identified(lobby(), "watcher");
                RawClient ghost = RawClient.connect(lobby()).answerPings(false)) {
            assertEquals(300, ghost.identify("ghost"));
            assertEquals("ghost", watcher.next("join").getString("who"));
            assertEquals("ghost", watcher.next("quit").getString("who"));
            RawClient.Frame close = ghost.readUntilClose();
            assertEquals(1001, close.closeCode());
            assertEquals("no pong", close.closeReason());
            try (ChatClient again = ChatClient.identified(lobby(), "ghost")) {
                watcher.next("join");
            }
        }
    }

    @Test
    void aPeerThatAnswersPingsStaysConnected() {
        try (RawClient alive = RawClient.connect(lobby()).answerPings(false)) {
            assertEquals(300, alive.identify("alive"));
            for (int ping = 0; ping < 3; ping++) {
                RawClient.Frame frame = alive.readFrame();
                assertEquals(RawClient.PING, frame.opcode());
                alive.sendFrame(RawClient.PONG, frame.payload(), true);
            }
            alive.sendText(ChatClient.LIST);
            RawClient.Frame answer = alive.readFrame();
            while (answer.opcode() == RawClient.PING) {
                alive.sendFrame(RawClient.PONG, answer.payload(), true);
                answer = alive.readFrame();
            }
            assertEquals("{\"type\":\"list\",\"names\":[\"alive\"]}", answer.text());
        }
    }

    /**
     * Whatever the container makes of a peer that vanishes while its upgrade is being set up
     * (Tomcat reports the close at once; Payara's Tyrus can lose it), the ping releases it.
     */
    @Test
    void connectionsThatVanishRightAfterTheHandshakeAreReleasedByThePingAtTheLatest() {
        VanishingPeers.connectAndVanish(lobby(), 300);
        awaitNoConnections();
    }

    @Test
    void aConnectionThatNeverIdentifiesIsClosedWith1008() {
        try (ChatClient lurker = ChatClient.connect(lobby());
                ChatClient member = ChatClient.identified(lobby(), "member")) {
            ChatClient.Close close = lurker.awaitClose();
            assertEquals(1008, close.code());
            assertEquals("identify timeout", close.reason());
            assertFalse(member.isClosed());
            member.expectNothingMore();
        }
    }

    @Test
    void identifyingInTimeKeepsTheConnection() {
        try (ChatClient late = ChatClient.connect(lobby());
                ChatClient lurker = ChatClient.connect(lobby())) {
            assertEquals(300, late.identify("late").getInt("code"));
            assertEquals(1008, lurker.awaitClose().code());
            assertFalse(late.isClosed());
            late.expectNothingMore();
        }
    }
}
