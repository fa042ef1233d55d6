package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/**
 * Resuming after a lost connection (PROTOCOL.md §9), over real sockets: a viewer whose connection
 * is reset, or goes half-open, comes back on a new connection with its name, its numbering and
 * every frame it missed — exactly once — while nobody in the room notices.
 */
class ResumeIT extends DeployedWarIT {

    /** Each test in a room of its own: a session a failed test left suspended cannot hold a name in the next. */
    private URI party;

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = room("resume-" + test.getTestMethod().orElseThrow().getName().hashCode());
    }

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
    }

    /** A viewer on a raw socket that asked for a session, and the number of the last frame it processed. */
    static final class Resumable {
        final RawClient socket;
        final String token;
        long last;

        Resumable(URI uri, String name) {
            this(uri, name, 0);
        }

        Resumable(URI uri, String name, int receiveBuffer) {
            socket = RawClient.connect(uri, Map.of(), receiveBuffer);
            socket.readText(); // init
            socket.sendText("{\"command\":\"identify\",\"name\":" + ChatClient.quote(name) + ",\"resume\":true}");
            JsonObject opened = ChatClient.parse(socket.readText());
            assertEquals(300, opened.getInt("code"), opened::toString);
            assertFalse(opened.containsKey("seq"));
            token = opened.getString("session");
        }

        /** The next frame, which must carry the next number. */
        JsonObject next() {
            JsonObject frame = ChatClient.parse(socket.readText());
            assertEquals(last + 1, frame.getJsonNumber("seq").longValue(), () -> "numbered on without a gap: " + frame);
            last++;
            return frame;
        }
    }

    /** Resumes {@code token} after {@code last} on a new connection; returns it with the 301 checked. */
    private ChatClient resume(String token, long last, String name) {
        ChatClient back = ChatClient.connect(party);
        back.send("{\"command\":\"resume\",\"session\":\"" + token + "\",\"last\":" + last + "}");
        JsonObject resumed = back.next("outcome");
        assertEquals(301, resumed.getInt("code"), resumed::toString);
        assertEquals("Resumed", resumed.getString("message"));
        assertEquals(name, resumed.getString("name"));
        assertEquals(token, resumed.getString("session"));
        assertFalse(resumed.containsKey("seq"), "the 301 carries no seq");
        return back;
    }

    @Test
    void aResetViewerResumesWithEverythingItMissedAndNobodyNoticed() {
        try (ChatClient bob = ChatClient.identified(party, "bob");
                ChatClient carol = ChatClient.identified(party, "carol")) {
            bob.next("join");
            Resumable alice = new Resumable(party, "alice");
            bob.next("join");
            carol.next("join");
            carol.broadcast("\"before\"");
            assertEquals("before", alice.next().getString("message"));
            alice.socket.reset();

            for (int i = 0; i < 200; i++) {
                carol.broadcast("{\"n\":" + i + "}");
            }
            for (int i = 0; i < 5; i++) {
                bob.message("alice", "{\"direct\":" + i + "}");
            }
            assertEquals(List.of("alice", "bob", "carol"), carol.list(), "alice's name is still held");
            try (ChatClient stranger = ChatClient.connect(party)) {
                assertEquals(305, stranger.identify("alice").getInt("code"));
            }
            assertEquals(300, carol.identify("caroline").getInt("code"));

            try (ChatClient back = resume(alice.token, alice.last, "alice")) {
                List<JsonObject> missed = new ArrayList<>();
                JsonObject frame;
                do {
                    frame = back.next();
                    assertEquals(alice.last + missed.size() + 1, frame.getJsonNumber("seq").longValue(), frame::toString);
                    missed.add(frame);
                } while (!(frame.getString("type").equals("join") && frame.getString("who").equals("caroline")));
                int broadcasts = 0;
                int directs = 0;
                for (JsonObject one : missed) {
                    if (one.getString("type").equals("broadcast")) {
                        assertEquals(broadcasts++, one.getJsonObject("message").getInt("n"), "in order, each once");
                    } else if (one.getString("type").equals("message")) {
                        assertEquals(directs++, one.getJsonObject("message").getInt("direct"));
                    }
                }
                assertEquals(200, broadcasts);
                assertEquals(5, directs, "direct messages were kept, not answered 404");
                assertEquals("carol", missed.get(missed.size() - 2).getString("who"), "the rename: quit, then join");
                long next = missed.get(missed.size() - 1).getJsonNumber("seq").longValue() + 1;
                bob.broadcast("\"live\"");
                JsonObject live = back.next("broadcast");
                assertEquals(next, live.getJsonNumber("seq").longValue(), "live frames numbered on");
                assertEquals(List.of("alice", "bob", "caroline"), back.list());
                // nobody saw alice leave: the only presence frames were the rename's
                JsonObject atBob;
                while ((atBob = bob.poll(java.time.Duration.ofMillis(200))) != null) {
                    assertFalse(atBob.getString("who", "").equals("alice"), atBob::toString);
                }
            }
        }
    }

    @Test
    void aHalfOpenConnectionIsTakenOverAndNothingIsLostOrRepeated() throws Exception {
        try (ChatClient carol = ChatClient.identified(party, "carol")) {
            Resumable alice = new Resumable(party, "alice", 16 * 1024);
            alice.socket.answerPings(false);
            carol.next("join");
            String padding = "p".repeat(2000);
            for (int i = 0; i < 10; i++) {
                carol.broadcast("{\"n\":" + i + "}");
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(i, alice.next().getJsonObject("message").getInt("n"));
            }
            // alice's client stops reading (its link is dead); the server keeps writing into the socket,
            // 200 KB: more than the sockets hold, less than wschat.resumeBufferBytes keeps
            for (int i = 10; i < 110; i++) {
                carol.broadcast("{\"n\":" + i + ",\"pad\":\"" + padding + "\"}");
            }
            try (ChatClient back = resume(alice.token, alice.last, "alice")) {
                for (int i = 10; i < 110; i++) {
                    JsonObject frame = back.next("broadcast");
                    assertEquals(alice.last + 1 + (i - 10), frame.getJsonNumber("seq").longValue());
                    assertEquals(i, frame.getJsonObject("message").getInt("n"), "every later frame, once, in order");
                }
                carol.broadcast("{\"n\":110}");
                assertEquals(110, back.next("broadcast").getJsonObject("message").getInt("n"));
                back.expectNothingMore();
            }
            RawClient.Frame closed = alice.socket.readUntilClose();
            assertEquals(1008, closed.closeCode());
            assertEquals("resumed elsewhere", closed.closeReason());
        }
    }

    @Test
    void aCleanCloseEndsTheSessionAtOnce() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            Resumable alice = new Resumable(party, "alice");
            bob.next("join");
            alice.socket.closeHandshakeThenReset();
            assertEquals("alice", bob.next("quit").getString("who"));
            try (ChatClient back = ChatClient.connect(party)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                back.expectOutcome(410, "Session cannot be resumed");
                assertEquals(300, back.identify("alice").getInt("code"));
            }
        }
    }

    @Test
    void refusedResumesAre410AndEndTheSession() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            Resumable alice = new Resumable(party, "alice");
            bob.next("join");
            alice.socket.reset();
            try (ChatClient stranger = ChatClient.connect(party)) {
                stranger.send("{\"command\":\"resume\",\"session\":\"unknown-token\",\"last\":0}");
                stranger.expectOutcome(410);
            }
            try (ChatClient elsewhere = ChatClient.connect(room("another-room"))) {
                elsewhere.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                elsewhere.expectOutcome(410);
            }
            assertEquals("alice", bob.next("quit").getString("who"), "the refusal ended the session");
            try (ChatClient back = ChatClient.connect(party)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                back.expectOutcome(410);
                assertEquals(300, back.identify("alice").getInt("code"), "the name is free again");
            }
        }
    }

    /** Any {@code last} past what was sent, even one beyond what a 64-bit number holds: a whole number, never sent. */
    @ParameterizedTest
    @ValueSource(strings = {"99", "99999999999999999999999"})
    void aLastTheServerNeverSentIs410AndEndsTheSession(String last) {
        Resumable alice = new Resumable(party, "alice");
        alice.socket.reset();
        try (ChatClient back = ChatClient.connect(party)) {
            back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":" + last + "}");
            back.expectOutcome(410);
            assertEquals(300, back.identify("alice").getInt("code"), "the refusal ended the session");
        }
    }

    @Test
    void resumeOnAnIdentifiedConnectionIs400() {
        Resumable alice = new Resumable(party, "alice");
        alice.socket.sendText("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
        JsonObject refused = ChatClient.parse(alice.socket.readText());
        assertEquals(400, refused.getInt("code"));
        assertEquals(1, refused.getJsonNumber("seq").longValue(), "an answer like any other, numbered");
        alice.socket.closeHandshakeThenReset();
    }

    @Test
    void aViewerWithoutResumeIsReleasedAtOnceOnAReset() {
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            RawClient alice = RawClient.connect(party);
            assertEquals(300, alice.identify("alice"));
            bob.next("join");
            alice.reset();
            assertEquals("alice", bob.next("quit").getString("who"));
            assertTrue(bob.list().equals(List.of("bob")));
        }
    }
}
