package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.cluster.Cluster;
import org.socialvp.wschat.cluster.LocalOnly;
import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.cluster.Receiver;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.testing.FakePeer;
import org.socialvp.wschat.testing.FakePeer.Completes;

/** The broker's rules with scripted peers in place of a container: every role wired as deployed. */
class BrokerTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    private Broker broker = broker(Map.of());

    @AfterEach
    void stop() {
        broker.shutdown();
    }

    private static Broker broker(Map<String, String> settings) {
        return new Broker(Settings.load(settings::get), JSON, BrokerTest.class.getClassLoader(), new LocalOnly());
    }

    private Viewer connect(String room) throws InterruptedException {
        return Viewer.connect(broker, room);
    }

    private Viewer identified(String room, String name) throws InterruptedException {
        return Viewer.identified(broker, room, name);
    }

    @Test
    void identifyingAnnouncesTheNameAndBroadcastsReachTheOthersOnly() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer bob = identified("party", "bob");
        assertEquals("bob", alice.next("join").getString("who"));
        alice.send("{\"command\":\"broadcast\",\"message\":{\"play\":12.5}}");
        JsonObject broadcast = bob.next("broadcast");
        assertEquals("alice", broadcast.getString("from"));
        assertEquals("{\"play\":12.5}", broadcast.get("message").toString());
        assertNull(alice.peer().next(), "the sender does not get its own broadcast");
    }

    @Test
    void aMessageToNobodyIs404AndToSomebodyReachesOnlyThem() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer bob = identified("party", "bob");
        Viewer carol = identified("party", "carol");
        alice.next("join");
        alice.next("join");
        bob.next("join");
        alice.send("{\"command\":\"message\",\"to\":\"bob\",\"message\":[1,2]}");
        assertEquals("[1,2]", bob.next("message").get("message").toString());
        alice.send("{\"command\":\"message\",\"to\":\"dave\",\"message\":1}");
        assertEquals(404, alice.next("outcome").getInt("code"));
        assertNull(carol.peer().next(), "carol hears nothing of it");
    }

    @Test
    void aNameIsTakenOnceThenFreedByTheClose() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer impostor = connect("party");
        impostor.send("{\"command\":\"identify\",\"name\":\"alice\"}");
        assertEquals(305, impostor.next("outcome").getInt("code"));
        alice.connection().closed(1000, "bye");
        impostor.send("{\"command\":\"identify\",\"name\":\"alice\"}");
        assertEquals(300, impostor.next("outcome").getInt("code"));
    }

    @Test
    void leavingIsHeardAsQuitAndARenameAsQuitThenJoin() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer bob = identified("party", "bob");
        alice.next("join");
        bob.send("{\"command\":\"identify\",\"name\":\"robert\"}");
        assertEquals(300, bob.next("outcome").getInt("code"));
        assertEquals("bob", alice.next("quit").getString("who"));
        assertEquals("robert", alice.next("join").getString("who"));
        bob.connection().closed(1006, "");
        assertEquals("robert", alice.next("quit").getString("who"));
    }

    /** The one viewer who hears presence one by one hears a batched viewer's rename too (a quit, then a join). */
    @Test
    void aBatchedViewersRenameIsHeardByTheOnlyUnbatchedViewer() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer bob = connect("party");
        bob.send("{\"command\":\"identify\",\"name\":\"bob\",\"presence\":\"batched\"}");
        assertEquals(300, bob.next("outcome").getInt("code"));
        assertEquals("bob", alice.next("join").getString("who"));
        bob.send("{\"command\":\"identify\",\"name\":\"robert\"}");
        assertEquals(300, bob.next("outcome").getInt("code"));
        assertEquals("bob", alice.next("quit").getString("who"));
        assertEquals("robert", alice.next("join").getString("who"));
    }

    @Test
    void commandsBeforeIdentifyAreAnswered10AndBadInput400() throws Exception {
        Viewer stranger = connect("party");
        stranger.send("{\"command\":\"list\"}");
        assertEquals(10, stranger.next("outcome").getInt("code"));
        stranger.send("not json");
        assertEquals(400, stranger.next("outcome").getInt("code"));
    }

    @Test
    void anInvalidRoomIsRefusedWith1008AndIgnoredAfterwards() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Connection refused = broker.open(peer, "not a room!");
        assertSame(Connection.NONE, refused);
        assertEquals(1008, peer.closeCode());
        assertEquals("invalid room", peer.closeReason());
        refused.text("{\"command\":\"identify\",\"name\":\"x\"}", true);
        assertNull(peer.next(), "a refused connection hears nothing");
    }

    @Test
    void aFullServerRefusesWith1013UntilSomeoneLeaves() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.maxConnections", "1"));
        Viewer only = connect("party");
        FakePeer surplus = new FakePeer(Completes.INLINE, false);
        assertSame(Connection.NONE, broker.open(surplus, "party"));
        assertEquals(1013, surplus.closeCode());
        assertEquals("server full", surplus.closeReason());
        only.connection().closed(1000, "bye");
        connect("party");
    }

    @Test
    void aBinaryFrameAndAnOversizeMessageCloseOnlyTheirSender() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.maxMessageBytes", "100"));
        Viewer binary = connect("party");
        Viewer big = connect("party");
        Viewer calm = identified("party", "calm");
        binary.connection().binary();
        assertTrue(binary.peer().awaitClose(5));
        assertEquals(1003, binary.peer().closeCode());
        big.connection().text("{\"command\":\"broadcast\",\"message\":\"" + "x".repeat(60), false);
        big.connection().text("x".repeat(60) + "\"}", true);
        assertTrue(big.peer().awaitClose(5));
        assertEquals(1009, big.peer().closeCode());
        calm.send("{\"command\":\"list\"}");
        assertEquals("[\"calm\"]", calm.next("list").get("names").toString());
    }

    @Test
    void aRecipientThatStopsReadingIsClosedAsASlowConsumerAndTheOthersHearItQuit() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.sendQueueMaxBytes", "2000", "wschat.rateLimitPerSecond", "0",
                "wschat.pongTimeoutSeconds", "1"));
        Viewer sender = identified("party", "sender");
        Viewer sloth = identified("party", "sloth");
        sender.next("join");
        sloth.peer().completes(Completes.NEVER);
        for (int i = 0; i < 40; i++) {
            sender.send("{\"command\":\"broadcast\",\"message\":\"" + "x".repeat(100) + "\"}");
        }
        assertTrue(sloth.peer().awaitClose(15));
        assertEquals(1013, sloth.peer().closeCode());
        assertEquals("slow consumer", sloth.peer().closeReason());
        assertEquals("sloth", sender.next("quit").getString("who"));
        assertEquals(1, broker.status().slowConsumerCloses());
    }

    @Test
    void stateWritesReachEveryoneTheWriterTooAndANewcomerGetsThemRightAfterIts300() throws Exception {
        Viewer alice = identified("party", "alice");
        Viewer bob = identified("party", "bob");
        alice.next("join");
        alice.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":{\"playing\":true,\"position\":12.5}}");
        JsonObject ack = alice.next("state");
        assertEquals(1, ack.getInt("version"));
        assertEquals("alice", ack.getString("from"));
        assertTrue(ack.getJsonNumber("time").longValue() > 1_700_000_000_000L, "server milliseconds");
        assertEquals(ack, bob.next("state"));
        bob.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":1,\"ifVersion\":0}");
        JsonObject changed = bob.next("outcome");
        assertEquals(409, changed.getInt("code"));
        assertEquals("State changed", changed.getString("message"));
        assertEquals(1, changed.getInt("version"));

        Viewer carol = connect("party");
        carol.send("{\"command\":\"identify\",\"name\":\"carol\"}");
        assertEquals(300, carol.next("outcome").getInt("code"));
        JsonObject late = carol.next("state");
        assertEquals("{\"playing\":true,\"position\":12.5}", late.get("value").toString());
        assertEquals(1, late.getInt("version"));
    }

    @Test
    void newcomersArrivingDuringWritesGetEachVersionOnceAndInOrder() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
        Viewer writer = identified("party", "writer");
        int writes = 20_000;
        Thread writing = new Thread(() -> {
            for (int version = 1; version <= writes; version++) {
                writer.send("{\"command\":\"state\",\"key\":\"k\",\"value\":" + version + "}");
            }
        });
        writing.start();
        List<Viewer> newcomers = new ArrayList<>();
        while (writing.isAlive() && newcomers.size() < 500) {
            newcomers.add(identified("party", "n" + newcomers.size()));
        }
        writing.join();
        assertTrue(newcomers.size() > 1, "newcomers arrived while the writes went on");
        for (Viewer newcomer : newcomers) {
            List<Integer> versions = newcomer.peer().drain().stream()
                    .map(text -> JSON.createReader(new StringReader(text)).readObject())
                    .filter(frame -> frame.getString("type").equals("state"))
                    .map(frame -> frame.getInt("version"))
                    .toList();
            for (int i = 1; i < versions.size(); i++) {
                assertEquals(versions.get(i - 1) + 1, versions.get(i),
                        "each version once, in order, from the snapshot on: " + versions.subList(Math.max(0, i - 3), i + 1));
            }
            assertEquals(writes, versions.isEmpty() ? 0 : versions.get(versions.size() - 1), "and the last write");
        }
    }

    /** A fresh broker without rate limits and a room of forty watchers: one a frame takes a while to go round. */
    private List<Viewer> fortyWatchers() throws InterruptedException {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
        List<Viewer> watchers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            watchers.add(identified("party", "watcher" + i));
        }
        return watchers;
    }

    /**
     * The names a roster kept from {@code watcher}'s join and quit frames so far holds, checking that
     * each join is of a name it does not hold and each quit of one it does.
     */
    private static Set<String> rosterFromJoinsAndQuits(Viewer watcher) {
        Set<String> roster = new HashSet<>();
        for (String text : watcher.peer().drain()) {
            JsonObject frame = JSON.createReader(new StringReader(text)).readObject();
            String who = frame.getString("who");
            boolean consistent = frame.getString("type").equals("join") ? roster.add(who) : roster.remove(who);
            assertTrue(consistent, () -> "a roster kept from join and quit stays right: " + text + " with " + roster);
        }
        return roster;
    }

    /**
     * A viewer drops and its name is taken again at once (a reload, another tab): everyone hears
     * the old holder quit before the new one joins, and the new holder never hears that its own
     * name quit. Once the quit went to the room after the name was free, so a newcomer quick
     * enough could be announced before it, and a roster kept from join and quit lost the name.
     */
    @Test
    void aNameGivenUpAndTakenAgainAtOnceIsHeardToQuitBeforeItJoinsAgain() throws Exception {
        List<Viewer> watchers = fortyWatchers();
        for (int round = 0; round < 200; round++) {
            String name = "h" + round;
            Viewer holder = identified("party", name);
            Viewer newcomer = connect("party");
            Thread leaving = new Thread(() -> holder.connection().closed(1006, ""));
            leaving.start();
            int code;
            do {
                newcomer.send("{\"command\":\"identify\",\"name\":\"" + name + "\"}");
                code = newcomer.next("outcome").getInt("code");
            } while (code == 305);
            assertEquals(300, code);
            leaving.join();
            for (String text : newcomer.peer().drain()) {
                assertTrue(!text.equals("{\"type\":\"quit\",\"who\":\"" + name + "\"}"),
                        () -> "the new holder of " + name + " was told it quit");
            }
            newcomer.connection().closed(1000, "bye");
        }
        for (Viewer watcher : watchers) {
            rosterFromJoinsAndQuits(watcher);
        }
    }

    /**
     * A viewer that renames again and again while another viewer broadcasts without pause gets
     * every broadcast once, in order. A renamer holds both of its names for a moment; a broadcast
     * going round the room then must still reach it once — not under each name, nor under neither
     * (the old one already gone where the broadcast looked, the new one not yet there).
     */
    @Test
    void aViewerRenamingWhileAnotherBroadcastsGetsEachBroadcastExactlyOnce() throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
        for (int i = 0; i < 100; i++) {
            identified("party", "crowd" + i); // a room to go round, so that a broadcast takes a while
        }
        Viewer renamer = identified("party", "name0");
        Viewer talker = identified("party", "talker");
        AtomicBoolean renaming = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread talking = new Thread(() -> {
            while (renaming.get()) {
                talker.send("{\"command\":\"broadcast\",\"message\":" + sent.getAndIncrement() + "}");
            }
        });
        talking.start();
        for (int round = 1; round <= 500; round++) {
            renamer.send("{\"command\":\"identify\",\"name\":\"name" + (round % 2) + "\"}");
            Thread.sleep(0, 200_000);
        }
        renaming.set(false);
        talking.join();
        talker.send("{\"command\":\"broadcast\",\"message\":\"the end\"}");
        List<Integer> received = new ArrayList<>();
        for (JsonObject frame = renamer.next(); !frame.toString().contains("the end"); frame = renamer.next()) {
            if (frame.getString("type").equals("broadcast")) {
                received.add(frame.getInt("message"));
            }
        }
        assertEquals(0, received.size() - received.stream().distinct().count(), "broadcasts received twice");
        assertEquals(sent.get(), received.size(), "broadcasts received, of those sent");
        assertTrue(received.equals(received.stream().sorted().toList()), "broadcasts received in the order sent");
    }

    /**
     * A rename is atomic (PROTOCOL.md §1): a {@code list} asked while a viewer renames again and
     * again shows it under exactly one of its names, never both and never neither. The new name is
     * claimed before the old one is given up, and each used to change hands in a step of its own.
     */
    @ParameterizedTest(name = "asked by a viewer with batched presence: {0}")
    @ValueSource(booleans = {false, true})
    void aListWhileAViewerRenamesShowsItUnderExactlyOneName(boolean batched) throws Exception {
        broker.shutdown();
        broker = broker(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
        Viewer renamer = identified("party", "name0");
        Viewer asker = connect("party");
        asker.send("{\"command\":\"identify\",\"name\":\"asker\"" + (batched ? ",\"presence\":\"batched\"" : "") + "}");
        assertEquals(300, asker.next("outcome").getInt("code"));
        AtomicBoolean renaming = new AtomicBoolean(true);
        Thread renames = new Thread(() -> {
            for (int round = 1; renaming.get(); round++) {
                renamer.send("{\"command\":\"identify\",\"name\":\"name" + (round % 2) + "\"}");
            }
        });
        renames.start();
        try {
            for (int i = 0; i < 2_000; i++) {
                asker.send("{\"command\":\"list\"}");
                JsonObject list = asker.next();
                while (!list.getString("type").equals("list")) {
                    list = asker.next();
                }
                List<String> names = list.getJsonArray("names").getValuesAs(JsonString::getString);
                assertEquals(1, names.stream().filter(name -> name.startsWith("name")).count(), names::toString);
            }
        } finally {
            renaming.set(false);
            renames.join();
        }
    }

    /**
     * A viewer whose connection closes on another thread (as Tyrus reports a reset) while its join
     * is going round the room: every watcher hears it join and then quit, or neither. Once the join
     * went out one watcher at a time, unordered against the departure's quit, so the watchers it
     * reached last heard the quit first, then a join that nothing ever undid.
     */
    @Test
    void aViewerLostWhileItsJoinGoesRoundIsHeardToJoinThenQuitOrNotAtAll() throws Exception {
        List<Viewer> watchers = fortyWatchers();
        identifyEachWhileItsConnectionResets(300);
        for (Viewer watcher : watchers) {
            Set<String> roster = rosterFromJoinsAndQuits(watcher);
            roster.removeIf(name -> name.startsWith("watcher"));
            assertEquals(Set.of(), roster, "everyone who came has gone");
        }
        watchers.get(0).send("{\"command\":\"list\"}");
        assertEquals(40, watchers.get(0).next("list").getJsonArray("names").size());
    }

    /** {@code rounds} newcomers to "party", each identifying as v&lt;round&gt; while its connection resets on another thread. */
    private void identifyEachWhileItsConnectionResets(int rounds) throws Exception {
        try (Race race = new Race()) {
            for (int round = 0; round < rounds; round++) {
                Viewer viewer = connect("party");
                Future<?> reset = race.soon(100_000, () -> viewer.connection().closed(1006, ""));
                viewer.send("{\"command\":\"identify\",\"name\":\"v" + round + "\"}");
                reset.get();
            }
        }
    }

    /**
     * A name this server grants but another server holds (the cluster's directory answers 305 only
     * after a moment): what the room sent the claimant meanwhile, held back until its 300, is
     * dropped with the 305 — a viewer that never got the name gets nothing sent to it.
     */
    @Test
    void aNameHeldOnAnotherServerIs305AndNothingSentToItMeanwhileGetsThrough() throws Exception {
        NameHeldElsewhere cluster = new NameHeldElsewhere("taken");
        broker.shutdown();
        broker = new Broker(Settings.load(Map.<String, String>of()::get), JSON, BrokerTest.class.getClassLoader(), cluster);
        Viewer bob = identified("party", "bob");
        Viewer late = connect("party");
        Thread identifying = new Thread(() -> late.send("{\"command\":\"identify\",\"name\":\"taken\"}"));
        identifying.start();
        assertTrue(cluster.asked.await(5, TimeUnit.SECONDS));
        bob.send("{\"command\":\"broadcast\",\"message\":\"while the directory is asked\"}");
        cluster.answer.countDown();
        identifying.join();
        assertEquals(305, late.next("outcome").getInt("code"));
        assertEquals(List.of(), late.peer().drain(), "nothing after the 305");
        assertEquals(List.of(), bob.peer().drain(), "nobody heard the name join");
    }

    /** A cluster whose directory says, after the test lets it, that another server holds {@code name}. */
    private static final class NameHeldElsewhere extends OverLocalOnly implements NameDirectory {
        private final String name;
        final CountDownLatch asked = new CountDownLatch(1);
        final CountDownLatch answer = new CountDownLatch(1);

        NameHeldElsewhere(String name) {
            this.name = name;
        }

        @Override
        public Claim claim(String room, String claimed) {
            if (!claimed.equals(name)) {
                return Claim.CLAIMED;
            }
            asked.countDown();
            try {
                answer.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Claim.TAKEN;
        }

        @Override
        public void release(String room, String released) {
        }

        @Override
        public Optional<List<String>> names(String room) {
            return Optional.empty();
        }

        @Override
        public NameDirectory directory() {
            return this;
        }
    }

    /**
     * A viewer whose connection closes on another thread while it identifies: the other servers
     * are told it joined and then quit, or nothing — never the quit first, which would leave them a
     * name that nothing undoes. Each is published while the room's names stand still, as the
     * directory's release is.
     */
    @Test
    void aViewerLostWhileItIdentifiesIsPublishedToJoinThenQuitOrNotAtAll() throws Exception {
        Published cluster = new Published();
        broker.shutdown();
        broker = new Broker(Settings.load(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0")::get),
                JSON, BrokerTest.class.getClassLoader(), cluster);
        for (int i = 0; i < 40; i++) {
            identified("party", "watcher" + i); // the join goes round them before it is published
        }
        identifyEachWhileItsConnectionResets(1_000);
        Map<String, List<String>> byName = new java.util.HashMap<>();
        for (String frame : cluster.frames) {
            JsonObject presence = JSON.createReader(new StringReader(frame)).readObject();
            byName.computeIfAbsent(presence.getString("who"), who -> new ArrayList<>()).add(presence.getString("type"));
        }
        byName.keySet().removeIf(name -> name.startsWith("watcher"));
        assertFalse(byName.isEmpty(), "some viewers identified before their connection closed");
        byName.forEach((name, types) -> assertEquals(List.of("join", "quit"), types, name));
    }

    /** A cluster of this server alone that keeps what it publishes to the others. */
    private static final class Published extends OverLocalOnly {
        final List<String> frames = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Bus recording = new Bus() {
            @Override
            public void roomOpened(String room) {
                local.roomOpened(room);
            }

            @Override
            public void roomClosed(String room) {
                local.roomClosed(room);
            }

            @Override
            public void publish(String room, String frame) {
                frames.add(frame);
            }

            @Override
            public Reach sendTo(String room, String name, String frame) {
                return local.sendTo(room, name, frame);
            }
        };

        @Override
        public Bus bus() {
            return recording;
        }
    }

    /** A cluster that is this server alone ({@link LocalOnly}) but for what a test overrides. */
    private abstract static class OverLocalOnly implements Cluster {
        final LocalOnly local = new LocalOnly();

        @Override
        public NameDirectory directory() {
            return local;
        }

        @Override
        public Bus bus() {
            return local;
        }

        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public void housekeeping() {
        }

        @Override
        public String state() {
            return "connected";
        }

        @Override
        public void shutdown() {
        }
    }

    @Test
    void theClockIsInTheInitFrameAndAnsweredWithT0AsSent() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        long before = System.currentTimeMillis();
        Viewer viewer = new Viewer(peer, broker.open(peer, "party"));
        long time = viewer.next("init").getJsonNumber("time").longValue();
        assertTrue(time >= before && time <= System.currentTimeMillis());
        viewer.send("{\"command\":\"time\",\"t0\":1}");
        assertEquals(10, viewer.next("outcome").getInt("code"), "before identify: 10");
        viewer.send("{\"command\":\"identify\",\"name\":\"x\"}");
        viewer.next("outcome");
        viewer.send("{\"command\":\"time\",\"t0\":1764547200123.4560}");
        assertTrue(peer.next().startsWith("{\"type\":\"time\",\"t0\":1764547200123.4560,\"time\":"), "t0 digit for digit");
        viewer.send("{\"command\":\"time\"}");
        assertTrue(viewer.next("time").containsKey("time"));
        viewer.send("{\"command\":\"time\",\"t0\":\"now\"}");
        assertEquals(400, viewer.next("outcome").getInt("code"));
    }

    @Test
    void theStatusCountsConnectionsNamesAndRooms() throws Exception {
        identified("a", "alice");
        identified("a", "bob");
        connect("b");
        Status status = broker.status();
        assertEquals(3, status.connections());
        assertEquals(2, status.identified());
        assertEquals(2, status.rooms());
        assertEquals(Map.of("a", 2, "b", 1), status.largestRooms());
        assertEquals("single", status.cluster());
    }
}
