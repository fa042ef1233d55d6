package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/** Room state and the server clock (PROTOCOL.md §10–11), over real sockets. */
class RoomStateIT extends DeployedWarIT {

    private URI party;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.maxStateKeys", "4", "wschat.maxStateBytes", "300",
                "wschat.rateLimitPerSecond", "0"));
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = room("state-" + test.getTestMethod().orElseThrow().getName().hashCode());
    }

    private static String state(String key, String valueJson) {
        return "{\"command\":\"state\",\"key\":\"" + key + "\",\"value\":" + valueJson + "}";
    }

    private static String state(String key, String valueJson, long ifVersion) {
        return "{\"command\":\"state\",\"key\":\"" + key + "\",\"value\":" + valueJson + ",\"ifVersion\":" + ifVersion + "}";
    }

    @Test
    void aWriteReachesEveryoneTheWriterTooWithItsVersionAuthorAndTime() {
        try (ChatClient alice = ChatClient.identified(party, "alice");
                ChatClient bob = ChatClient.identified(party, "bob")) {
            alice.next("join");
            long before = System.currentTimeMillis();
            alice.send(state("playback", "{\"playing\":true,\"position\":734.2,\"rate\":1}"));
            JsonObject ack = alice.next("state");
            assertEquals("playback", ack.getString("key"));
            assertEquals("{\"playing\":true,\"position\":734.2,\"rate\":1}", ack.get("value").toString());
            assertEquals(1, ack.getInt("version"));
            assertEquals("alice", ack.getString("from"));
            long time = ack.getJsonNumber("time").longValue();
            assertTrue(time >= before - 1000 && time <= System.currentTimeMillis() + 1000, "server milliseconds");
            assertEquals(ack, bob.next("state"), "the same frame for everyone");
            bob.send(state("playback", "{\"playing\":false}"));
            assertEquals(2, alice.next("state").getInt("version"));
            assertEquals(2, bob.next("state").getInt("version"), "the writer's copy is its answer");
            alice.expectNothingMore();
            bob.expectNothingMore();
        }
    }

    @Test
    void compareAndSetWinsAtTheRightVersionAndOtherwiseIs409WithTheCurrentOne() {
        try (ChatClient alice = ChatClient.identified(party, "alice")) {
            alice.send(state("video", "\"film.webm\"", 0));
            assertEquals(1, alice.next("state").getInt("version"));
            alice.send(state("video", "\"other.webm\"", 0));
            JsonObject changed = alice.next("outcome");
            assertEquals(409, changed.getInt("code"));
            assertEquals("State changed", changed.getString("message"));
            assertEquals(1, changed.getInt("version"));
            alice.send(state("video", "\"other.webm\"", 1));
            assertEquals(2, alice.next("state").getInt("version"));
        }
    }

    @Test
    void twoWritersRacingWithTheSameVersionAlwaysLeaveOneWinnerAndOneState() throws Exception {
        ExecutorService racers = Executors.newFixedThreadPool(2);
        try (ChatClient alice = ChatClient.identified(party, "alice");
                ChatClient bob = ChatClient.identified(party, "bob");
                ChatClient carol = ChatClient.identified(party, "carol")) {
            alice.next("join");
            alice.next("join");
            bob.next("join");
            for (int round = 0; round < 200; round++) {
                long version = round;
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<?>> writes = new ArrayList<>();
                for (ChatClient writer : List.of(alice, bob)) {
                    writes.add(racers.submit(() -> {
                        start.await();
                        writer.send(state("playback", "{\"by\":\"" + (writer == alice ? "alice" : "bob") + "\"}",
                                version));
                        return null;
                    }));
                }
                for (Future<?> write : writes) {
                    write.get();
                }
                JsonObject applied = carol.next("state");
                assertEquals(round + 1, applied.getInt("version"), "round " + round + ": exactly one write applied");
                String winner = applied.getString("from");
                for (ChatClient writer : List.of(alice, bob)) {
                    boolean won = (writer == alice ? "alice" : "bob").equals(winner);
                    List<JsonObject> got = new ArrayList<>(List.of(writer.next()));
                    if (!won) {
                        got.add(writer.next());
                    }
                    assertTrue(got.contains(applied), "everyone gets the winning write: " + got);
                    if (!won) {
                        JsonObject refusal = got.get(0).equals(applied) ? got.get(1) : got.get(0);
                        assertEquals(409, refusal.getInt("code"), "the loser is told");
                        assertEquals(round + 1, refusal.getInt("version"));
                    }
                }
            }
            for (ChatClient viewer : List.of(alice, bob, carol)) {
                viewer.expectNothingMore();
            }
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void aNewcomerGetsTheStateRightAfterIts300AndBeforeAnyOtherFrame() {
        try (ChatClient alice = ChatClient.identified(party, "alice")) {
            alice.send(state("playback", "{\"position\":12}"));
            alice.send(state("video", "\"film.webm\""));
            alice.send(state("gone", "1"));
            alice.send(state("gone", "null"));
            for (int i = 0; i < 4; i++) {
                alice.next("state");
            }
            try (ChatClient bob = ChatClient.connect(party)) {
                bob.send(ChatClient.identifyCommand("bob"));
                for (int i = 0; i < 20; i++) {
                    alice.broadcast("{\"n\":" + i + "}"); // keeps coming while bob arrives
                }
                ChatClient.assertOutcome(bob.next(), 300);
                List<String> keys = new ArrayList<>();
                keys.add(bob.next("state").getString("key"));
                keys.add(bob.next("state").getString("key"));
                assertEquals(List.of("playback", "video"), keys.stream().sorted().toList(), "one frame per key set");
                alice.broadcast("{\"n\":\"after\"}");
                JsonObject next = bob.next();
                assertEquals("broadcast", next.getString("type"), "a deleted key is not sent: " + next);
            }
        }
    }

    @Test
    void aDeleteIsAWriteAndTheKeyIsGoneForNewcomers() {
        try (ChatClient alice = ChatClient.identified(party, "alice")) {
            alice.send(state("k", "1"));
            alice.next("state");
            alice.send(state("k", "null"));
            JsonObject deleted = alice.next("state");
            assertEquals(2, deleted.getInt("version"));
            assertTrue(deleted.isNull("value"));
            try (ChatClient bob = ChatClient.connect(party)) {
                assertEquals(300, bob.identify("bob").getInt("code"));
                bob.expectNothingMore();
            }
            alice.next("join");
            alice.next("quit");
            alice.send(state("k", "3", 2));
            assertEquals(3, alice.next("state").getInt("version"), "versions never go back");
        }
    }

    @Test
    void theLimitsAre413SayingWhich() {
        try (ChatClient alice = ChatClient.identified(party, "alice")) {
            for (int i = 0; i < 4; i++) {
                alice.send(state("k" + i, "1"));
                alice.next("state");
            }
            alice.send(state("k4", "1"));
            alice.expectOutcome(413, "Too many state keys: at most 4");
            alice.send(state("k0", "\"" + "x".repeat(300) + "\""));
            alice.expectOutcome(413, "Room state too large: at most 300 bytes");
            alice.send(state("k0", "null"));
            alice.next("state");
            alice.send(state("k4", "1"));
            assertEquals(1, alice.next("state").getInt("version"), "a deleted key leaves room for another");
        }
    }

    @Test
    void theStateGoesWithTheRoom() {
        try (ChatClient alice = ChatClient.identified(party, "alice")) {
            alice.send(state("k", "1"));
            alice.next("state");
        }
        awaitNoConnections();
        try (ChatClient bob = ChatClient.identified(party, "bob")) {
            bob.expectNothingMore();
            bob.send(state("k", "2", 0));
            assertEquals(1, bob.next("state").getInt("version"), "a new room: never set");
        }
    }

    @Test
    void stateWritesKeepTheWritersOrderWithItsBroadcasts() {
        try (ChatClient alice = ChatClient.identified(party, "alice");
                ChatClient bob = ChatClient.identified(party, "bob")) {
            alice.next("join");
            for (int i = 0; i < 50; i++) {
                alice.broadcast("{\"n\":" + i + "}");
                alice.send(state("k", String.valueOf(i)));
            }
            for (int i = 0; i < 50; i++) {
                assertEquals(i, bob.next("broadcast").getJsonObject("message").getInt("n"));
                assertEquals(i, bob.next("state").getInt("value"));
            }
        }
    }

    @Test
    void stateAndTimeBeforeIdentifyAre10() {
        try (ChatClient stranger = ChatClient.connect(party)) {
            stranger.send(state("k", "1"));
            stranger.expectOutcome(10);
            stranger.send("{\"command\":\"time\",\"t0\":1}");
            stranger.expectOutcome(10);
        }
    }

    @Test
    void theInitFrameCarriesTheServerClockAndTimeEchoesT0DigitForDigit() {
        long before = System.currentTimeMillis();
        try (ChatClient alice = ChatClient.connect(party)) {
            long init = alice.init().getJsonNumber("time").longValue();
            assertTrue(Math.abs(init - before) < 60_000, "milliseconds since the epoch: " + init);
            assertEquals(300, alice.identify("alice").getInt("code"));
            alice.send("{\"command\":\"time\",\"t0\":1764547200123.000456789012345678901}");
            String answer = alice.nextText();
            assertTrue(answer.startsWith("{\"type\":\"time\",\"t0\":1764547200123.000456789012345678901,\"time\":"), answer);
            alice.send("{\"command\":\"time\"}");
            assertTrue(alice.next("time").containsKey("time"));
            alice.send("{\"command\":\"time\",\"t0\":\"soon\"}");
            alice.expectOutcome(400);
        }
    }
}
