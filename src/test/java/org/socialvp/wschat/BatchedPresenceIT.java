package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/**
 * Batched presence (PROTOCOL.md §15, docs/PROTOCOL.md §18) over real sockets: a viewer that asks
 * for it gets no {@code join} or {@code quit}, only presence frames — at most one per
 * {@code wschat.presenceBatchMillis} unless order needs one sooner — which, applied in order to a
 * {@code list} answer, always give the room's names; it never gets a frame from a name its view
 * does not hold; viewers that did not ask, in the same room, hear every join and quit as before;
 * and a room filled by 500 such viewers at once ends with every view equal to {@code list}.
 */
class BatchedPresenceIT extends DeployedWarIT {

    private static final int BATCH_MILLIS = 200;

    private URI party;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.presenceBatchMillis", String.valueOf(BATCH_MILLIS),
                "wschat.rateLimitPerSecond", "0", "wschat.maxConnections", "2000"));
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = room("batched-" + Integer.toHexString(test.getTestMethod().orElseThrow().getName().hashCode()));
    }

    /** The identify that asks for presence in batches. */
    static String batchedIdentify(String name) {
        return "{\"command\":\"identify\",\"name\":" + ChatClient.quote(name) + ",\"presence\":\"batched\"}";
    }

    /** A viewer without batched presence, identified. */
    private ChatClient plain(String name) {
        return ChatClient.identified(party, name);
    }

    private Watcher watcher(String name) {
        return Watcher.identified(party, name);
    }

    private static List<String> names(JsonObject frame, String list) {
        return frame.getJsonArray(list).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    /**
     * A viewer with batched presence that keeps the room's names as its frames tell them: a
     * {@code list} answer, then every presence frame applied to it in order. Every frame it takes
     * is checked against the rules: no {@code join} or {@code quit}; a presence frame joins only
     * names it does not hold and removes only names it holds; a broadcast, message or state comes
     * only from a name it holds. Before its first {@code list} answer it has no view to check.
     */
    static final class Watcher implements AutoCloseable {

        final ChatClient client;
        final String name;
        private final Set<String> view = new TreeSet<>();
        private boolean known;
        /** Every frame taken, in order, for the messages of failures. */
        private final List<String> history = new ArrayList<>();
        /** When each presence frame was taken ({@link System#nanoTime}), for the spacing test. */
        final List<Long> presenceTimes = new ArrayList<>();

        private Watcher(ChatClient client, String name) {
            this.client = client;
            this.name = name;
        }

        static Watcher identified(URI room, String name) {
            ChatClient client = ChatClient.connect(room);
            client.send(batchedIdentify(name));
            ChatClient.assertOutcome(client.next(), 300);
            return new Watcher(client, name);
        }

        /** The names as this viewer's frames say them. */
        Set<String> view() {
            return view;
        }

        /** The next frame, checked and (if presence) applied. */
        JsonObject next() {
            JsonObject frame = client.next();
            history.add(frame.toString());
            String type = frame.getString("type", null);
            assertFalse("join".equals(type) || "quit".equals(type), () -> name + " asked for batches, got " + frame);
            if ("presence".equals(type)) {
                presenceTimes.add(System.nanoTime());
                apply(frame);
            } else if (known && ("broadcast".equals(type) || "message".equals(type) || "state".equals(type))) {
                String from = frame.getString("from");
                assertTrue(view.contains(from), () -> name + " got a frame from " + from
                        + ", a name its presence view does not hold: " + frame + "; view " + view + "; its frames: " + history);
            }
            return frame;
        }

        private void apply(JsonObject frame) {
            List<String> joined = names(frame, "joined");
            List<String> left = names(frame, "left");
            assertFalse(joined.isEmpty() && left.isEmpty(), () -> name + " got an empty presence frame");
            Set<String> both = new HashSet<>(joined);
            both.retainAll(left);
            assertTrue(both.isEmpty(), () -> "in both lists: " + frame);
            for (String gone : left) {
                assertTrue(!known || view.contains(gone), () -> name + " told " + gone + " left, not in " + view
                        + ": " + frame);
                view.remove(gone);
            }
            for (String came : joined) {
                assertTrue(!known || !view.contains(came), () -> name + " told " + came + " joined, already in "
                        + view + ": " + frame);
                view.add(came);
            }
        }

        /** The next frame that is not presence (presence frames before it taken and applied). */
        JsonObject nextSkippingPresence() {
            JsonObject frame = next();
            while ("presence".equals(frame.getString("type"))) {
                frame = next();
            }
            return frame;
        }

        /** The next presence frame; fails on anything else. */
        JsonObject nextPresence() {
            JsonObject frame = next();
            assertEquals("presence", frame.getString("type"), () -> name + ": expected presence, got " + frame);
            return frame;
        }

        /** Takes frames until the view is as expected; fails if another kind of frame comes. */
        void awaitView(Set<String> expected) {
            while (!view.equals(expected)) {
                nextPresence();
            }
        }

        /**
         * Asks {@code list}: the presence frames before its answer are applied to the view so far
         * (and checked), and from then on the view is the answer, to which every later presence
         * frame must apply exactly (a name it holds is never told again as joined). Returns the answer.
         */
        List<String> list() {
            client.requestList();
            return takeList();
        }

        /** Takes frames up to the answer to a {@code list} already asked; see {@link #list}. */
        List<String> takeList() {
            JsonObject frame = next();
            while (!"list".equals(frame.getString("type", null))) {
                frame = next();
            }
            List<String> answer = names(frame, "names");
            view.clear();
            view.addAll(answer);
            known = true;
            return answer;
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void aBatchedViewerGetsPresenceFramesInsteadOfJoinAndQuit() {
        try (Watcher watcher = watcher("watcher")) {
            assertEquals(List.of("watcher"), watcher.list());
            try (ChatClient bob = plain("bob"); Watcher carol = watcher("carol")) {
                watcher.awaitView(Set.of("watcher", "bob", "carol"));
            }
            watcher.awaitView(Set.of("watcher"));
            assertEquals(List.of("watcher"), watcher.list(), "nothing else came, no join or quit among it");
        }
    }

    @Test
    void unbatchedViewersInTheSameRoomStillHearEveryJoinAndQuitOneByOne() {
        try (ChatClient plain = plain("plain"); Watcher watcher = watcher("watcher")) {
            assertEquals("watcher", plain.next("join").getString("who"));
            watcher.list();
            try (Watcher batchedBob = watcher("bob"); ChatClient carol = plain("carol")) {
                assertEquals("bob", plain.next("join").getString("who"));
                assertEquals("carol", plain.next("join").getString("who"));
                batchedBob.client.send(ChatClient.identifyCommand("robert"));
                ChatClient.assertOutcome(batchedBob.client.nextSkipping("presence"), 300);
                assertEquals("bob", plain.next("quit").getString("who"), "a batched viewer's rename, as before");
                assertEquals("robert", plain.next("join").getString("who"));
                batchedBob.close();
                assertEquals("robert", plain.next("quit").getString("who"));
                carol.close();
                assertEquals("carol", plain.next("quit").getString("who"));
            }
            plain.expectNothingMore();
            watcher.awaitView(Set.of("plain", "watcher"));
        }
    }

    @Test
    void aBatchedViewersRenameIsHeardEvenWhenOnlyOneViewerHearsPresenceOneByOne() {
        try (ChatClient plain = plain("plain"); Watcher bob = watcher("bob")) {
            assertEquals("bob", plain.next("join").getString("who"));
            bob.client.send(ChatClient.identifyCommand("robert"));
            ChatClient.assertOutcome(bob.client.nextSkipping("presence"), 300);
            assertEquals("bob", plain.next("quit").getString("who"), "the old name, though the room is otherwise batched");
            assertEquals("robert", plain.next("join").getString("who"));
        }
    }

    @Test
    void aNewcomerThatSpeaksAtOnceAfterIts300IsAnnouncedBeforeItsFrames() {
        try (Watcher watcher = watcher("watcher")) {
            watcher.list();
            try (ChatClient newcomer = plain("newcomer")) {
                newcomer.broadcast("{\"hello\":1}");
                newcomer.message("watcher", "\"psst\"");
                newcomer.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":{\"at\":1}}");
                JsonObject presence = watcher.next();
                assertEquals("presence", presence.getString("type"), "the presence frame first: " + presence);
                assertEquals(List.of("newcomer"), names(presence, "joined"));
                assertEquals("broadcast", watcher.next().getString("type"));
                assertEquals("message", watcher.next().getString("type"));
                assertEquals("state", watcher.next().getString("type"));
            }
            // The newcomer's departure may come in a batch of its own: see it out before the next arrival.
            watcher.awaitView(Set.of("watcher"));
            try (Watcher batchedNewcomer = watcher("batched-newcomer")) {
                batchedNewcomer.client.broadcast("{\"hello\":2}");
                JsonObject presence = watcher.next();
                assertEquals("presence", presence.getString("type"), "the presence frame first: " + presence);
                assertTrue(names(presence, "joined").contains("batched-newcomer"), presence::toString);
                assertEquals("batched-newcomer", watcher.nextSkippingPresence().getString("from"));
            }
            watcher.awaitView(Set.of("watcher"));
        }
    }

    @Test
    void aRenamedViewerThatSpeaksAtOnceIsAnnouncedUnderItsNewNameFirst() {
        try (Watcher watcher = watcher("watcher"); ChatClient bob = plain("bob")) {
            assertEquals(List.of("bob", "watcher"), watcher.list());
            bob.send(ChatClient.identifyCommand("robert"));
            bob.expectOutcome(300);
            bob.broadcast("\"it is me\"");
            JsonObject presence = watcher.next();
            assertEquals("presence", presence.getString("type"), "the presence frame first: " + presence);
            assertEquals(List.of("robert"), names(presence, "joined"));
            assertEquals(List.of("bob"), names(presence, "left"), "a rename is the old name left, the new one joined");
            assertEquals("robert", watcher.next().getString("from"));
        }
    }

    @Test
    void aLeaverIsAnnouncedAfterItsLastFrame() {
        try (Watcher watcher = watcher("watcher"); ChatClient bob = plain("bob")) {
            assertEquals(List.of("bob", "watcher"), watcher.list());
            bob.broadcast("\"one\"");
            bob.message("watcher", "\"two\"");
            bob.close();
            assertEquals("broadcast", watcher.next().getString("type"));
            assertEquals("message", watcher.next().getString("type"));
            JsonObject presence = watcher.next();
            assertEquals(List.of("bob"), names(presence, "left"), "the departure after its last frame: " + presence);
            assertEquals(List.of("watcher"), watcher.list());
        }
    }

    @Test
    void aListAnswerIsTheRoomNowAndThePresenceFramesAfterItTellOnlyWhatCameAfter() {
        try (Watcher watcher = watcher("watcher"); Watcher other = watcher("other"); ChatClient bob = plain("bob")) {
            watcher.list(); // its first answer: its view from now on
            other.list();
            try (ChatClient carl = plain("carl")) {
                // carl's join is still pending, or just went out: the answer names carl either way,
                // and no frame after it tells carl joined again (the view's checks would fail).
                assertEquals(List.of("bob", "carl", "other", "watcher"), watcher.list());
                other.awaitView(Set.of("bob", "carl", "other", "watcher")); // the others' batch, as it was
            }
            watcher.awaitView(Set.of("bob", "other", "watcher")); // carl's departure, told once to each
            other.awaitView(Set.of("bob", "other", "watcher"));
            try (ChatClient dave = plain("dave")) {
                Watcher carol = watcher("carol");
                carol.close();
                renamed(bob, "robert");
                assertEquals(List.of("dave", "other", "robert", "watcher"), watcher.list());
                assertEquals(List.of("dave", "other", "robert", "watcher"), other.list());
            }
            bob.close();
            watcher.awaitView(Set.of("other", "watcher"));
            other.awaitView(Set.of("other", "watcher"));
            assertEquals(List.of("other", "watcher"), watcher.list());
            assertEquals(List.of("other", "watcher"), other.list());
        }
    }

    /** {@code client}, without batched presence, renames; the joins and quits it hears meanwhile are skipped. */
    private static void renamed(ChatClient client, String to) {
        client.send(ChatClient.identifyCommand(to));
        JsonObject frame = client.next();
        while (List.of("join", "quit").contains(frame.getString("type", ""))) {
            frame = client.next();
        }
        ChatClient.assertOutcome(frame, 300);
    }

    @Test
    void presenceFramesComeAtMostOncePerBatchInterval() throws Exception {
        int joiners = 30;
        ExecutorService arrivals = Executors.newSingleThreadExecutor();
        List<AutoCloseable> room = Collections.synchronizedList(new ArrayList<>());
        try (Watcher watcher = watcher("watcher")) {
            watcher.list();
            Set<String> expected = new TreeSet<>(Set.of("watcher"));
            Future<?> arriving = arrivals.submit(() -> {
                for (int i = 0; i < joiners; i++) {
                    String name = "joiner-" + i;
                    room.add(i % 2 == 0 ? plain(name) : watcher(name)); // neither speaks nor lists
                    Thread.sleep(BATCH_MILLIS / 5);
                }
                return null;
            });
            for (int i = 0; i < joiners; i++) {
                expected.add("joiner-" + i);
            }
            long start = System.nanoTime();
            watcher.awaitView(expected);
            long took = System.nanoTime() - start;
            arriving.get(ChatClient.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            List<Long> times = watcher.presenceTimes;
            assertTrue(times.size() < joiners, "several arrivals to a frame: " + times.size() + " frames for "
                    + joiners + " arrivals");
            long allowed = TimeUnit.NANOSECONDS.toMillis(took) / BATCH_MILLIS + 2;
            assertTrue(times.size() <= allowed, times.size() + " frames in " + TimeUnit.NANOSECONDS.toMillis(took)
                    + " ms: at most one per " + BATCH_MILLIS + " ms");
            for (int i = 1; i < times.size(); i++) {
                long gap = TimeUnit.NANOSECONDS.toMillis(times.get(i) - times.get(i - 1));
                // Loosely: the network may bunch two frames a little; the server never sends them close.
                assertTrue(gap >= BATCH_MILLIS / 2, "frames " + (i - 1) + " and " + i + " only " + gap + " ms apart");
            }
        } finally {
            stop(arrivals);
            for (AutoCloseable client : List.copyOf(room)) {
                client.close();
            }
        }
    }

    @Test
    void manyNewcomersSpeakingAtOnceAreEachAnnouncedBeforeTheirFramesAndGoneAfterThem() throws Exception {
        int newcomers = 100;
        List<Watcher> watchers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            for (int i = 0; i < 3; i++) {
                watchers.add(watcher("watcher-" + i));
            }
            for (Watcher watcher : watchers) {
                watcher.list();
            }
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < newcomers; i++) {
                String name = "newcomer-" + i;
                boolean batched = i % 2 == 0;
                done.add(pool.submit(() -> {
                    try (ChatClient newcomer = batched ? Watcher.identified(party, name).client : plain(name)) {
                        newcomer.broadcast("\"hello\"");
                        newcomer.message("watcher-0", "\"psst\"");
                        newcomer.send("{\"command\":\"state\",\"key\":\"by\",\"value\":" + ChatClient.quote(name) + "}");
                        newcomer.broadcast("\"bye\"");
                    }
                    return null;
                }));
            }
            for (Future<?> one : done) {
                one.get(2 * ChatClient.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            }
            Set<String> watcherNames = new TreeSet<>();
            watchers.forEach(watcher -> watcherNames.add(watcher.name));
            for (Watcher watcher : watchers) {
                int byes = 0;
                int messages = 0;
                while (byes < newcomers || !watcher.view().equals(watcherNames)) {
                    JsonObject frame = watcher.next(); // every frame checked against the view as it is then
                    if ("broadcast".equals(frame.getString("type")) && "\"bye\"".equals(frame.get("message").toString())) {
                        byes++;
                    } else if ("message".equals(frame.getString("type"))) {
                        messages++;
                    }
                }
                assertEquals(watcher.name.equals("watcher-0") ? newcomers : 0, messages);
                assertEquals(new ArrayList<>(watcherNames), watcher.list());
            }
        } finally {
            stop(pool); // a newcomer still under way closes itself
            watchers.forEach(Watcher::close);
        }
    }

    @Test
    void aRoomFilledByFiveHundredBatchedViewersAtOnceEndsWithEveryViewEqualToList() throws Exception {
        int viewers = 500;
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Watcher> room = new ArrayList<>();
        List<Watcher> opened = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Watcher>> arrivals = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                String name = "viewer-" + i;
                boolean speaks = i % 10 == 0;
                arrivals.add(pool.submit(() -> {
                    Watcher viewer = Watcher.identified(party, name);
                    opened.add(viewer);
                    if (speaks) {
                        viewer.client.broadcast("\"here\""); // at once after its 300
                    }
                    viewer.list();
                    return viewer;
                }));
            }
            for (Future<Watcher> arrival : arrivals) {
                room.add(arrival.get(3 * ChatClient.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            List<String> everyone = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                everyone.add("viewer-" + i);
            }
            everyone.sort(null);
            for (Watcher viewer : room) {
                // Its view (its list answer, with every presence frame since applied and checked)
                // comes to the whole room, and the room's list agrees.
                Set<String> wholeRoom = new TreeSet<>(everyone);
                while (!viewer.view().equals(wholeRoom)) {
                    viewer.next(); // presence frames applied, the others' "here" checked against the view
                }
                assertEquals(everyone, viewer.list(), () -> viewer.name + "'s list");
            }
        } finally {
            stop(pool);
            for (Watcher viewer : List.copyOf(opened)) {
                viewer.close();
            }
        }
    }

    /** Stops the threads of a test and waits for them, so that every client they opened is known when it ends. */
    private static void stop(ExecutorService pool) throws InterruptedException {
        pool.shutdownNow();
        if (!pool.awaitTermination(ChatClient.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the test's threads did not stop");
        }
    }
}
