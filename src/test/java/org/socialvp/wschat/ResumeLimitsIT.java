package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/**
 * The bounds of a session, scaled down so that a test reaches them: a 2-second window and 2,048
 * bytes kept. Past either, the session ends as a departure would (name released, {@code quit}) and a
 * resume is refused with 410 — never a silent gap.
 */
class ResumeLimitsIT extends DeployedWarIT {

    /** Each test in a room of its own: a session a failed test left suspended cannot hold a name in the next. */
    private URI party;

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = room("limits-" + test.getTestMethod().orElseThrow().getName().hashCode());
    }

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.resumeSeconds", "2", "wschat.resumeBufferBytes", "2048",
                "wschat.rateLimitPerSecond", "0"));
    }

    @Test
    void aSessionNotResumedWithinItsWindowEndsWithAQuitAndIsThen410() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            ResumeIT.Resumable alice = new ResumeIT.Resumable(party, "alice");
            bob.next("join");
            long lost = System.nanoTime();
            alice.socket.reset();
            assertEquals("alice", bob.next("quit").getString("who"));
            long waited = (System.nanoTime() - lost) / 1_000_000;
            assertEquals(true, waited >= 1900, "not before the window's end: " + waited + " ms");
            try (ChatClient back = ChatClient.connect(party)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                back.expectOutcome(410, "Session cannot be resumed");
                assertEquals(300, back.identify("alice").getInt("code"));
            }
        }
    }

    @Test
    void aResumeFromBeforeWhatIsStillKeptIs410() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            ResumeIT.Resumable alice = new ResumeIT.Resumable(party, "alice");
            bob.next("join");
            for (int i = 0; i < 40; i++) {
                bob.broadcast("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
            }
            for (int i = 0; i < 40; i++) {
                alice.next(); // processed, but no pong has proved it: the oldest were dropped past 2,048 bytes
            }
            alice.socket.reset();
            try (ChatClient back = ChatClient.connect(party)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":1}");
                back.expectOutcome(410);
                assertEquals("alice", bob.next("quit").getString("who"), "the refused session ends");
                assertEquals(300, back.identify("alice").getInt("code"));
            }
        }
    }

    @Test
    void tooMuchForAnAbsentViewerEndsItsSession() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            ResumeIT.Resumable alice = new ResumeIT.Resumable(party, "alice");
            bob.next("join");
            alice.socket.reset();
            for (int i = 0; i < 40; i++) {
                bob.broadcast("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(80) + "\"}");
            }
            assertEquals("alice", bob.next("quit").getString("who"));
            try (ChatClient back = ChatClient.connect(party)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                back.expectOutcome(410);
            }
        }
    }
}
