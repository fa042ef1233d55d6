package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.cluster.LocalOnly;
import org.socialvp.wschat.config.Settings;

/** Resumable sessions (PROTOCOL.md §9) with scripted peers: the rules, one by one. */
class SessionsTest {

    private Broker broker = broker(Map.of());

    @AfterEach
    void stop() {
        broker.shutdown();
    }

    private static Broker broker(Map<String, String> settings) {
        return new Broker(Settings.load(settings::get), JsonProvider.provider(), SessionsTest.class.getClassLoader(),
                new LocalOnly());
    }

    /** Identifies with {@code "resume":true} and returns the session's token from the 300. */
    private String resumable(Viewer viewer, String name) throws InterruptedException {
        viewer.send("{\"command\":\"identify\",\"name\":\"" + name + "\",\"resume\":true}");
        JsonObject opened = viewer.next("outcome");
        assertEquals(300, opened.getInt("code"));
        assertFalse(opened.containsKey("seq"), "the 300 that opens a session carries no seq");
        assertEquals(broker.settings().resumeSeconds(), opened.getInt("resumeSeconds"));
        String token = opened.getString("session");
        assertTrue(token.matches("[A-Za-z0-9_-]{22,}"), "at least 128 random bits, URL-safe: " + token);
        return token;
    }

    private static void resume(Viewer viewer, String token, long last) {
        viewer.send("{\"command\":\"resume\",\"session\":\"" + token + "\",\"last\":" + last + "}");
    }

    @Test
    void everyFrameAfterTheOpeningIsNumberedFromOne() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        JsonObject join = alice.next("join");
        assertEquals(1, join.getInt("seq"));
        alice.send("{\"command\":\"list\"}");
        assertEquals(2, alice.next("list").getInt("seq"), "answers are numbered too");
        bob.send("{\"command\":\"broadcast\",\"message\":\"hi\"}");
        assertEquals(3, alice.next("broadcast").getInt("seq"));
        alice.send("{\"command\":\"identify\",\"name\":\"alicia\"}");
        JsonObject renamed = alice.next("outcome");
        assertEquals(4, renamed.getInt("seq"), "a rename keeps the session and its numbering");
    }

    @Test
    void aLostConnectionIsSuspendedAndTheResumeGetsExactlyWhatWasMissed() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        assertEquals(1, alice.next("join").getInt("seq"));
        alice.connection().closed(1006, ""); // a reset: no close frame from the client

        bob.send("{\"command\":\"broadcast\",\"message\":\"while you were away\"}");
        bob.send("{\"command\":\"message\",\"to\":\"alice\",\"message\":\"kept, not 404\"}");
        bob.send("{\"command\":\"list\"}");
        assertEquals("[\"alice\",\"bob\"]", bob.next("list").get("names").toString(), "the name is still held");
        Viewer impostor = Viewer.connect(broker, "party");
        impostor.send("{\"command\":\"identify\",\"name\":\"alice\"}");
        assertEquals(305, impostor.next("outcome").getInt("code"));

        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 1);
        JsonObject resumed = back.next("outcome");
        assertEquals(301, resumed.getInt("code"));
        assertEquals("Resumed", resumed.getString("message"));
        assertEquals("alice", resumed.getString("name"));
        assertEquals(token, resumed.getString("session"));
        assertFalse(resumed.containsKey("seq"));
        JsonObject missed = back.next("broadcast");
        assertEquals(2, missed.getInt("seq"));
        assertEquals("while you were away", missed.getString("message"));
        assertEquals(3, back.next("message").getInt("seq"));
        bob.send("{\"command\":\"broadcast\",\"message\":\"live again\"}");
        assertEquals(4, back.next("broadcast").getInt("seq"), "live frames are numbered on");
        assertNull(bob.peer().next(), "bob never heard alice leave or come back");
    }

    @Test
    void aConnectionLostTheInstantItsSessionOpensIsSuspendedAndNobodyHearsItLeave() throws Exception {
        Viewer bob = Viewer.identified(broker, "party", "bob");
        Viewer alice = Viewer.connect(broker, "party");
        alice.peer().afterEachWrite(text -> {
            if (text.contains("\"session\"")) {
                alice.connection().closed(1006, ""); // a reset as the 300 arrives, before the identify is over
            }
        });
        String token = resumable(alice, "alice");
        assertEquals("alice", bob.next("join").getString("who"));
        bob.send("{\"command\":\"list\"}");
        assertEquals("[\"alice\",\"bob\"]", bob.next("list").get("names").toString(), "the name is still held");

        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 0);
        assertEquals(301, back.next("outcome").getInt("code"));
        bob.send("{\"command\":\"broadcast\",\"message\":\"welcome back\"}");
        assertEquals(1, back.next("broadcast").getInt("seq"));
        assertNull(bob.peer().next(), "bob never heard alice leave or come back");
    }

    /**
     * A new connection lost while it resumes (a reset from another thread, as Tyrus reports one):
     * however the two interleave, the session ends up suspended or ended, never live on a
     * connection that is gone — so once the window is over, every name is free again.
     */
    @Test
    void aConnectionLostWhileItResumesNeverKeepsTheNameForever() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.resumeSeconds", "1"));
        Viewer bob = Viewer.identified(broker, "party", "bob");
        try (Race race = new Race()) {
            for (int i = 0; i < 500; i++) {
                Viewer viewer = Viewer.connect(broker, "party");
                String token = resumable(viewer, "viewer" + i);
                viewer.connection().closed(1006, "");
                Viewer back = Viewer.connect(broker, "party");
                Future<?> reset = race.soon(20_000, () -> back.connection().closed(1006, ""));
                resume(back, token, 0);
                reset.get();
            }
        }
        Thread.sleep(3_000); // the window, and the housekeeping second that ends what it left suspended
        bob.peer().drain();
        bob.send("{\"command\":\"list\"}");
        JsonObject list = bob.next();
        while (!"list".equals(list.getString("type"))) {
            list = bob.next();
        }
        assertEquals("[\"bob\"]", list.get("names").toString());
        bob.connection().closed(1000, "");
        assertEquals(0, broker.status().rooms(), "every place in the room given back, once");
        assertEquals(0, broker.status().connections());
    }

    /**
     * A resume while the old connection, still open, closes on another thread (its own close or a
     * reset): after a 301 the viewer is back with its name and nobody heard it leave; after a 410 (a
     * clean close ended the session first) everyone heard it leave. Every place in the room is given
     * back once: the room lives exactly as long as its last viewer.
     */
    @Test
    void aResumeRacingTheOldConnectionsCloseKeepsTheViewerOrEndsItCleanly() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0")); // bob asks for the list every round
        Viewer bob = Viewer.identified(broker, "party", "bob");
        try (Race race = new Race()) {
            for (int i = 0; i < 300; i++) {
                String name = "viewer" + i;
                Viewer old = Viewer.connect(broker, "party");
                String token = resumable(old, name);
                int code = i % 2 == 0 ? 1006 : 1000;
                Viewer back = Viewer.connect(broker, "party");
                Future<?> close = race.soon(30_000, () -> old.connection().closed(code, ""));
                resume(back, token, 0);
                close.get();
                int answer = back.next("outcome").getInt("code");
                bob.send("{\"command\":\"list\"}");
                List<JsonObject> heard = framesUntilList(bob);
                boolean quit = heard.stream().anyMatch(f -> "quit".equals(f.getString("type")));
                boolean listed = heard.get(heard.size() - 1).getJsonArray("names").toString().contains("\"" + name + "\"");
                if (answer == 301) {
                    assertFalse(quit, name + " was resumed, yet heard to quit");
                    assertTrue(listed, name + " was resumed and holds its name");
                    back.connection().closed(1000, "");
                    assertEquals(name, bob.next("quit").getString("who"));
                } else {
                    // Which of a clean close and the resume gets there first is the machine's timing
                    // (on a slow or instrumented JVM every clean close can win); a reset never does.
                    assertEquals(410, answer);
                    assertEquals(1000, code, "only a clean close ends a session before its resume");
                    assertTrue(quit && !listed, name + " ended, heard to quit, name free");
                    back.connection().closed(1000, "");
                }
            }
        }
        assertEquals(1, broker.status().rooms(), "bob's room is still there");
        bob.connection().closed(1000, "");
        assertEquals(0, broker.status().rooms(), "and gone with him");
        assertEquals(0, broker.status().connections());
    }

    /**
     * A live connection renaming (on its own read thread) while its session resumes on a new
     * connection: the resume is granted under whichever name the session holds when it moves (it
     * was once refused when the name it looked up was given up first), and once both connections
     * are closed no name is left behind — the old connection's new name, claimed after its session
     * moved away, is its own to release — and nobody in the room is counted who is not there.
     */
    @Test
    void aRenameOnTheOldConnectionRacingItsSessionsResumeLeavesNoNameBehind() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0"));
        Viewer bob = Viewer.identified(broker, "party", "bob");
        Set<String> bobHeard = new HashSet<>(Set.of("bob"));
        try (Race race = new Race()) {
            for (int i = 0; i < 300; i++) {
                Viewer old = Viewer.connect(broker, "party");
                String token = resumable(old, "viewer" + i);
                Viewer back = Viewer.connect(broker, "party");
                String rename = "{\"command\":\"identify\",\"name\":\"renamed" + i + "\"}";
                Future<?> renaming = race.soon(30_000, () -> old.send(rename));
                resume(back, token, 0);
                renaming.get();
                JsonObject answer = back.next("outcome");
                assertEquals(301, answer.getInt("code"), "round " + i + ": resumed under whichever name it holds");
                bob.send("{\"command\":\"list\"}");
                List<String> listed = heardUntilList(bob, bobHeard);
                assertTrue(listed.contains(answer.getString("name")), "round " + i + ": listed under the name it resumed with: " + listed);
                assertEquals(listed, bobHeard.stream().sorted().toList(), "round " + i + ": the list is what bob heard");
                back.connection().closed(1000, "");
                old.connection().closed(1000, "");
            }
        }
        assertEquals(1, broker.status().identified(), "bob alone holds a name");
        bob.send("{\"command\":\"list\"}");
        List<JsonObject> heard = framesUntilList(bob);
        assertEquals("[\"bob\"]", heard.get(heard.size() - 1).get("names").toString());
    }

    /** The names {@code viewer} is told are in the room, once the joins and quits before its {@code list}'s answer are applied to {@code heard}. */
    private static List<String> heardUntilList(Viewer viewer, Set<String> heard) throws InterruptedException {
        for (JsonObject frame : framesUntilList(viewer)) {
            switch (frame.getString("type")) {
                case "join" -> heard.add(frame.getString("who"));
                case "quit" -> heard.remove(frame.getString("who"));
                case "list" -> {
                    return frame.getJsonArray("names").getValuesAs(jakarta.json.JsonString::getString);
                }
                default -> { }
            }
        }
        throw new AssertionError("framesUntilList ends with the list");
    }

    /** {@code viewer}'s frames up to and including the answer to the {@code list} it just sent. */
    private static List<JsonObject> framesUntilList(Viewer viewer) throws InterruptedException {
        List<JsonObject> frames = new java.util.ArrayList<>();
        JsonObject frame;
        do {
            frame = viewer.next();
            frames.add(frame);
        } while (!"list".equals(frame.getString("type")));
        return frames;
    }

    /**
     * The site's backend removing a viewer at the moment its resume arrives: whichever comes first,
     * the viewer ends up closed with 1008 {@code removed} (or refused with 410) and its name free —
     * never back on a new connection whose session has ended. A removal that lands between the
     * resume and the sending of its 301 drops the 301 with everything else queued for the viewer
     * (as for any removed viewer): the close is then the answer.
     */
    @Test
    void aRemoveRacingAResumeClosesTheViewerWhereverItIs() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0")); // bob asks for the list every round
        Viewer bob = Viewer.identified(broker, "party", "bob");
        try (Race race = new Race()) {
            for (int i = 0; i < 300; i++) {
                String name = "viewer" + i;
                Viewer old = Viewer.connect(broker, "party");
                String token = resumable(old, name);
                old.connection().closed(1006, "");
                Viewer back = Viewer.connect(broker, "party");
                Future<?> removal = race.soon(30_000, () -> broker.api().remove("party", name));
                resume(back, token, 0);
                removal.get();
                String answer = back.peer().next();
                if (answer == null || parse(answer).getInt("code") == 301) {
                    assertTrue(back.peer().awaitClose(5), name + " resumed, then removed: closed");
                    assertEquals(1008, back.peer().closeCode());
                    assertEquals("removed", back.peer().closeReason());
                } else {
                    assertEquals(410, parse(answer).getInt("code"), answer);
                }
                bob.send("{\"command\":\"list\"}");
                List<JsonObject> heard = framesUntilList(bob);
                assertEquals("[\"bob\"]", heard.get(heard.size() - 1).get("names").toString());
            }
        }
    }

    @Test
    void framesWrittenToAConnectionThatTurnsOutDeadAreSentAgain() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.pingIntervalSeconds", "1", "wschat.pongTimeoutSeconds", "1"));
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        for (int i = 0; i < 3; i++) {
            bob.send("{\"command\":\"broadcast\",\"message\":" + i + "}");
        }
        // Written, but alice's client never processed them: it vanished. No pong proved they arrived.
        assertEquals(1, alice.next("join").getInt("seq"));
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 1);
        assertEquals(301, back.next("outcome").getInt("code"));
        for (int i = 0; i < 3; i++) {
            JsonObject frame = back.next("broadcast");
            assertEquals(2 + i, frame.getInt("seq"));
            assertEquals(i, frame.getInt("message"));
        }
        assertTrue(alice.peer().awaitClose(5), "the old connection, still open, is closed");
        assertEquals(1008, alice.peer().closeCode());
        assertEquals("resumed elsewhere", alice.peer().closeReason());
        assertNull(bob.peer().next(), "nobody heard anything");
    }

    @Test
    void aPongProvesReceiptAndTrimsWhatIsKept() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.pingIntervalSeconds", "1"));
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        assertEquals(1, alice.next("join").getInt("seq"));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (alice.peer().pings() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        alice.connection().pong(); // the ping came after frame 1: frame 1 has arrived
        alice.connection().closed(1006, "");
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 0);
        assertEquals(410, back.next("outcome").getInt("code"), "frame 1 is no longer kept: resuming from 0 would skip it");
        assertEquals("alice", bob.next("quit").getString("who"), "a refused session ends");
    }

    @Test
    void aCleanCloseEndsTheSessionAtOnce() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        alice.next("join");
        alice.connection().closed(1000, "bye");
        assertEquals("alice", bob.next("quit").getString("who"));
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 1);
        JsonObject refused = back.next("outcome");
        assertEquals(410, refused.getInt("code"));
        assertEquals("Session cannot be resumed", refused.getString("message"));
        back.send("{\"command\":\"identify\",\"name\":\"alice\"}");
        assertEquals(300, back.next("outcome").getInt("code"));
    }

    @Test
    void refusalsAre410AndEndTheSessionSoThatTheNameIsFree() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        alice.next("join");
        alice.connection().closed(1006, "");

        Viewer stranger = Viewer.connect(broker, "party");
        resume(stranger, "no-such-session", 0);
        assertEquals(410, stranger.next("outcome").getInt("code"));
        Viewer elsewhere = Viewer.connect(broker, "other-room");
        resume(elsewhere, token, 1);
        assertEquals(410, elsewhere.next("outcome").getInt("code"), "a session belongs to its room");
        assertEquals("alice", bob.next("quit").getString("who"), "and that refusal ended it");
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 1);
        assertEquals(410, back.next("outcome").getInt("code"), "ended: no second chance");
        back.send("{\"command\":\"identify\",\"name\":\"alice\"}");
        assertEquals(300, back.next("outcome").getInt("code"));
    }

    @Test
    void aLastTheServerNeverSentIsRefused() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        alice.connection().closed(1006, "");
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 5);
        assertEquals(410, back.next("outcome").getInt("code"));
    }

    @Test
    void resumeOnAnIdentifiedConnectionIs400AndBadFieldsToo() throws Exception {
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        resume(alice, token, 0);
        assertEquals(400, alice.next("outcome").getInt("code"));
        Viewer other = Viewer.connect(broker, "party");
        other.send("{\"command\":\"resume\",\"session\":7,\"last\":0}");
        assertEquals(400, other.next("outcome").getInt("code"));
        other.send("{\"command\":\"resume\",\"session\":\"x\",\"last\":-1}");
        assertEquals(400, other.next("outcome").getInt("code"));
        other.send("{\"command\":\"resume\",\"session\":\"x\",\"last\":1.5}");
        assertEquals(400, other.next("outcome").getInt("code"));
    }

    @Test
    void aSessionNotResumedInItsWindowEndsWithAQuit() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.resumeSeconds", "1"));
        Viewer alice = Viewer.connect(broker, "party");
        alice.send("{\"command\":\"identify\",\"name\":\"alice\",\"resume\":true}");
        String token = alice.next("outcome").getString("session");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        alice.connection().closed(1006, "");
        assertEquals("alice", bob.next("quit").getString("who"), "after the window");
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 0);
        assertEquals(410, back.next("outcome").getInt("code"));
    }

    @Test
    void tooMuchKeptWhileAwayEndsTheSession() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.resumeBufferBytes", "2000", "wschat.rateLimitPerSecond", "0"));
        Viewer alice = Viewer.connect(broker, "party");
        String token = resumable(alice, "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        alice.connection().closed(1006, "");
        for (int i = 0; i < 30; i++) {
            bob.send("{\"command\":\"broadcast\",\"message\":\"" + "x".repeat(100) + "\"}");
        }
        assertEquals("alice", bob.next("quit").getString("who"));
        Viewer back = Viewer.connect(broker, "party");
        resume(back, token, 1);
        assertEquals(410, back.next("outcome").getInt("code"));
    }

    /**
     * A resume racing the frame that overfills the session: either the session ended first (410,
     * {@code quit}, the name free) or the resume came first and the viewer is back with every frame,
     * numbered without a gap, still holding its name — never a 301 followed by a {@code quit}.
     */
    @Test
    void aResumeRacingTheFrameThatOverfillsTheSessionGetsAllOrNothing() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.resumeBufferBytes", "2000", "wschat.rateLimitPerSecond", "0"));
        Viewer bob = Viewer.identified(broker, "party", "bob");
        String broadcast = "{\"command\":\"broadcast\",\"message\":\"" + "x".repeat(100) + "\"}";
        int resumed = 0;
        try (Race race = new Race()) {
            for (int i = 0; i < 300; i++) {
                String name = "viewer" + i;
                Viewer viewer = Viewer.connect(broker, "party");
                String token = resumable(viewer, name);
                viewer.connection().closed(1006, "");
                int kept = ThreadLocalRandom.current().nextInt(6, 14); // about 13 fit: the overflow comes among the 8 more
                for (int n = 0; n < kept; n++) {
                    bob.send(broadcast);
                }
                Viewer back = Viewer.connect(broker, "party");
                Future<?> more = race.soon(1, () -> {
                    for (int n = 0; n < 8; n++) {
                        bob.send(broadcast);
                    }
                });
                resume(back, token, 0);
                more.get();
                List<JsonObject> heard = bob.peer().drain().stream().map(SessionsTest::parse).toList();
                boolean quit = heard.stream().anyMatch(f -> "quit".equals(f.getString("type")) && name.equals(f.getString("who")));
                List<JsonObject> got = back.peer().drain().stream().map(SessionsTest::parse).toList();
                if (got.get(0).getInt("code") == 301) {
                    resumed++;
                    assertFalse(quit, name + " was resumed, then heard to quit");
                    List<Integer> seqs = got.subList(1, got.size()).stream().map(f -> f.getInt("seq")).toList();
                    assertEquals(IntStream.rangeClosed(1, seqs.size()).boxed().toList(), seqs, "every frame, in order");
                    assertEquals(kept + 8, seqs.size(), "none dropped");
                    back.connection().closed(1000, "");
                    assertEquals(name, bob.next("quit").getString("who"));
                } else {
                    assertEquals(410, got.get(0).getInt("code"));
                    assertTrue(quit, name + " refused, so its session ended with a quit");
                }
            }
        }
        assertTrue(resumed > 0 && resumed < 300, "both orders were tried: " + resumed + " resumed");
    }

    private static JsonObject parse(String text) {
        return JsonProvider.provider().createReader(new java.io.StringReader(text)).readObject();
    }

    @Test
    void aViewerWithoutResumeIsReleasedAtOnceOnAReset() throws Exception {
        Viewer alice = Viewer.identified(broker, "party", "alice");
        Viewer bob = Viewer.identified(broker, "party", "bob");
        alice.next("join");
        alice.connection().closed(1006, "");
        assertEquals("alice", bob.next("quit").getString("who"));
    }

    @Test
    void resumingIsOffWithAZeroWindow() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.resumeSeconds", "0"));
        Viewer alice = Viewer.connect(broker, "party");
        alice.send("{\"command\":\"identify\",\"name\":\"alice\",\"resume\":true}");
        JsonObject outcome = alice.next("outcome");
        assertEquals(300, outcome.getInt("code"));
        assertFalse(outcome.containsKey("session"), "no session is opened");
        Viewer other = Viewer.connect(broker, "party");
        resume(other, "anything", 0);
        assertEquals(410, other.next("outcome").getInt("code"));
    }

    @Test
    void aSuspendedViewerKeepsItsRoomAlive() throws Exception {
        Viewer alice = Viewer.connect(broker, "solo");
        String token = resumable(alice, "alice");
        alice.connection().closed(1006, "");
        assertEquals(1, broker.status().rooms(), "the room stays while its only viewer may come back");
        assertEquals(0, broker.status().connections());
        Viewer back = Viewer.connect(broker, "solo");
        resume(back, token, 0);
        assertEquals(301, back.next("outcome").getInt("code"));
        back.connection().closed(1000, "bye");
        assertEquals(0, broker.status().rooms());
    }
}
