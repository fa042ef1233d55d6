package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.cluster.LocalOnly;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Outbox;
import org.socialvp.wschat.testing.FakePeer;
import org.socialvp.wschat.testing.FakePeer.Completes;

/**
 * The batching of presence (PROTOCOL.md §15) on its own: a {@link PresenceLog} of a real
 * {@link Room}, fed the joins and departures the way {@link Presence} feeds it, flushed when the
 * test says, its frames read from scripted peers — no timer, no container. The last tests drive a
 * whole {@link Broker} (its ticker set too slow to fire) to show the same rules through the
 * commands.
 */
class PresenceLogTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    private final Room room = new Room("premiere");
    private final PresenceLog log = room.presence();
    private final Frames frames = new Frames(JSON);
    private final Delivery delivery = new Delivery(new LocalOnly(), new Metrics());
    private Broker broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.shutdown();
        }
    }

    /** A viewer in the room: its client and the scripted peer that receives its frames. */
    private record Member(Client client, FakePeer peer) {

        String name() {
            return client.name();
        }

        /** Every frame written to it so far, taken. */
        List<String> frames() {
            return peer.drain();
        }
    }

    private Member connect(boolean batched) {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Client client = new Client(peer.id(), room, System.nanoTime(), new FloodControl(null, null),
                self -> new Outbox(peer, 1 << 20, null, 0, null, 1000, () -> { }));
        client.batchedPresence(batched);
        return new Member(client, peer);
    }

    /** A viewer with batched presence takes its first name (as {@link Presence#joined} on arrival). */
    private Member arrives(String name) {
        Member member = connect(true);
        claim(member, name);
        log.arrived(member.client(), name);
        return member;
    }

    /** A viewer without batched presence takes its first name. */
    private Member joins(String name) {
        Member member = connect(false);
        claim(member, name);
        log.changed(name, true);
        return member;
    }

    private void claim(Member member, String name) {
        assertTrue(room.claim(name, member.client()));
        member.client().name(name);
    }

    /** The viewer leaves (as {@link Presence#left} for its current name). */
    private void leaves(Member member) {
        assertTrue(room.release(member.name(), member.client()));
        if (member.client().batchedPresence()) {
            log.departed(member.client());
        }
        log.changed(member.name(), false);
    }

    /** The viewer renames: the new name claimed, the old one released (as {@link Commands} does). */
    private void renames(Member member, String to) {
        String from = member.name();
        claim(member, to);
        assertTrue(room.release(from, member.client()));
        log.changed(from, false);
        log.changed(to, true);
    }

    private void flush() {
        Delivery.Batch batch = delivery.batch();
        log.flush(frames, batch);
        batch.send();
    }

    /** The one frame {@code member} got from the last flush: a presence frame, its lists as given. */
    private static void assertGot(Member member, List<String> joined, List<String> left) {
        List<String> got = member.frames();
        assertEquals(1, got.size(), () -> member.name() + " gets one frame: " + got);
        JsonObject frame = parse(got.get(0));
        assertEquals("presence", frame.getString("type"), frame::toString);
        assertEquals(joined, names(frame, "joined"), () -> member.name() + ": " + frame);
        assertEquals(left, names(frame, "left"), () -> member.name() + ": " + frame);
    }

    private static void assertNothing(Member member) {
        List<String> got = member.frames();
        assertEquals(List.of(), got, () -> member.name() + " gets nothing");
    }

    private static JsonObject parse(String text) {
        return JSON.createReader(new StringReader(text)).readObject();
    }

    private static List<String> names(JsonObject frame, String list) {
        return frame.getJsonArray(list).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Test
    void aBatchIsDueOnEveryTickOnlyWhenChangesWait() {
        arrives("alice");
        assertFalse(log.dueOnTick(), "alone in the room: nobody to tell");
        arrives("bob");
        assertTrue(log.dueOnTick(), "bob's arrival waits for alice");
        flush();
        assertFalse(log.dueOnTick(), "nothing waits after the batch");
        joins("carol");
        assertTrue(log.dueOnTick(), "a room of three: the very next tick");
    }

    @Test
    void aPremiereRoomHasItsBatchOnEveryNthTickNItsBatchedViewersInThousands() {
        int viewers = 3 * PresenceLog.VIEWERS_PER_TICK;
        for (int i = 0; i < viewers; i++) {
            arrives("viewer" + i);
        }
        assertFalse(log.dueOnTick(), "tick 1 of 3");
        assertFalse(log.dueOnTick(), "tick 2 of 3");
        assertTrue(log.dueOnTick(), "tick 3 of 3");
        flush();
        Member late = arrives("late");
        assertFalse(log.dueOnTick(), "the count starts again after a batch");
        leaves(late);
        assertFalse(log.dueOnTick(), "tick 2 of 3, though late came and went");
        assertTrue(log.dueOnTick(), "tick 3 of 3");
    }

    @Test
    void aNameThatCameAndWentWithinOneBatchIsInNeitherList() {
        Member alice = arrives("alice");
        flush();
        Member bob = joins("bob");
        joins("carol");
        leaves(bob);
        flush();
        assertGot(alice, List.of("carol"), List.of());
    }

    @Test
    void aNameThatLeftAndCameBackWithinOneBatchIsInNeitherList() {
        Member alice = arrives("alice");
        Member bob = joins("bob");
        flush();
        alice.frames();
        leaves(bob);
        joins("bob");
        Member carol = joins("carol");
        flush();
        assertGot(alice, List.of("carol"), List.of());
        leaves(carol);
        joins("carol");
        flush();
        assertNothing(alice);
    }

    @Test
    void aRenameIsTheOldNameLeftAndTheNewOneJoined() {
        Member alice = arrives("alice");
        Member bob = joins("bob");
        flush();
        alice.frames();
        renames(bob, "robert");
        flush();
        assertGot(alice, List.of("robert"), List.of("bob"));
    }

    @Test
    void aRenameAndBackWithinOneBatchIsNothing() {
        Member alice = arrives("alice");
        Member bob = joins("bob");
        flush();
        alice.frames();
        renames(bob, "robert");
        renames(bob, "bob");
        flush();
        assertNothing(alice);
    }

    @Test
    void aBatchedViewerThatRenamesHearsOfNeitherOfItsOwnNamesButTheOthersDo() {
        Member alice = arrives("alice");
        Member bob = arrives("bob");
        flush();
        assertGot(alice, List.of("bob"), List.of());
        assertNothing(bob);
        renames(bob, "robert");
        flush();
        assertGot(alice, List.of("robert"), List.of("bob"));
        assertGot(bob, List.of("robert"), List.of("bob"));
    }

    @Test
    void aNewcomerIsToldOnlyOfChangesAfterItsArrivalAndTheOthersOfTheWholeBatch() {
        Member alice = arrives("alice");
        Member bob = joins("bob");
        flush();
        alice.frames();
        // The room at dave's 300: alice, bob, carol, dave.
        Member carol = joins("carol");
        Member dave = arrives("dave");
        joins("erin");
        leaves(bob);
        renames(carol, "caroline");
        flush();
        assertGot(alice, List.of("dave", "erin", "caroline"), List.of("bob"));
        assertGot(dave, List.of("erin", "caroline"), List.of("bob", "carol"));
    }

    @Test
    void aNameWhoseChangesStraddleANewcomersArrivalIsJudgedFromTheNewcomersOwnStart() {
        Member alice = arrives("alice");
        flush();
        alice.frames();
        Member bob = joins("bob");
        Member carol = joins("carol");
        Member dave = arrives("dave"); // the room at dave's 300: alice, bob, carol, dave
        leaves(bob);
        joins("bob"); // bob left and came back after dave's 300: nothing to dave, a join to alice
        leaves(carol); // carol came before dave's 300 and went after it
        joins("erin");
        flush();
        assertGot(alice, List.of("bob", "dave", "erin"), List.of());
        assertGot(dave, List.of("erin"), List.of("carol"));
    }

    @Test
    void aViewersFirstFrameIsTheRoomNowAgainstTheRoomAtIts300() {
        Member early = joins("early");
        Member gone = joins("gone");
        leaves(gone);
        Member alice = arrives("alice"); // the room at alice's 300: early, alice
        joins("late");
        leaves(early);
        flush();
        assertGot(alice, List.of("late"), List.of("early"));
        Member bob = arrives("bob");
        flush();
        assertGot(alice, List.of("bob"), List.of());
        assertNothing(bob); // the room at its 300 is the room now: nothing to say
    }

    @Test
    void theViewersThereAtTheLastBatchAllGetTheSameFrame() {
        Member alice = arrives("alice");
        Member bob = arrives("bob");
        Member carol = arrives("carol");
        flush();
        alice.frames();
        bob.frames();
        carol.frames();
        joins("dave");
        flush();
        List<String> toAlice = alice.frames();
        assertEquals(1, toAlice.size());
        assertEquals(toAlice, bob.frames());
        assertEquals(toAlice, carol.frames());
    }

    @Test
    void anEmptyBatchSendsNothing() {
        Member alice = arrives("alice");
        flush(); // alice's own arrival is nothing to alice
        assertNothing(alice);
        flush();
        assertNothing(alice);
        assertFalse(log.pending(), "nothing waits once flushed");
        Member bob = joins("bob");
        leaves(bob);
        assertTrue(log.pending());
        flush(); // something happened, but nothing changed
        assertNothing(alice);
    }

    @Test
    void viewersWithoutBatchedPresenceGetNoPresenceFrame() {
        Member plain = joins("plain");
        Member alice = arrives("alice");
        flush();
        joins("bob");
        flush();
        assertNothing(plain);
        assertGot(alice, List.of("bob"), List.of());
    }

    @Test
    void aRoomWithoutBatchedViewersRecordsNothing() {
        Member plain = joins("plain");
        joins("other");
        assertFalse(log.pending());
        assertFalse(log.mustAnnounce("other"));
        flush();
        assertNothing(plain);
        Member alice = arrives("alice");
        flush();
        assertNothing(alice); // the room at its 300 already held plain and other
        leaves(alice);
        joins("after");
        assertFalse(log.pending(), "its last batched viewer gone, the room records nothing again");
    }

    @Test
    void aNewcomersFramesWaitForTheBatchThatAnnouncesItAndALeaversDoNot() {
        Member alice = arrives("alice");
        flush();
        Member bob = joins("bob");
        assertTrue(log.mustAnnounce("bob"), "alice has not heard of bob yet");
        assertFalse(log.mustAnnounce("alice"));
        flush();
        assertGot(alice, List.of("bob"), List.of());
        assertFalse(log.mustAnnounce("bob"), "now she has");
        renames(bob, "robert");
        assertTrue(log.mustAnnounce("robert"));
        leaves(bob);
        assertFalse(log.mustAnnounce("robert"), "a name that left sends nothing more");
        Member carol = arrives("carol");
        assertTrue(log.mustAnnounce("carol"), "a batched newcomer is announced too");
        flush();
        assertGot(alice, List.of("carol"), List.of("bob"));
        assertNothing(carol);
    }

    @Test
    void aViewerThatLeftIsSentNothingMore() {
        Member alice = arrives("alice");
        Member bob = arrives("bob");
        flush();
        alice.frames();
        leaves(bob);
        joins("carol");
        flush();
        assertNothing(bob);
        assertGot(alice, List.of("carol"), List.of("bob"));
    }

    /** {@code asker}'s list answered as {@link Presence} does on a single server; returns the names it got. */
    private List<String> list(Member asker) {
        Delivery.Batch batch = delivery.batch();
        log.list(frames, batch, asker.client(), null);
        batch.send();
        List<String> got = asker.frames();
        assertEquals(1, got.size(), () -> "the answer alone: " + got);
        JsonObject answer = parse(got.get(0));
        assertEquals("list", answer.getString("type"), answer::toString);
        asker.peer().drain(); // already taken
        return names(answer, "names");
    }

    @Test
    void aListAnswerIsTheRoomAsRecordedAndTheNextBatchTellsTheAskerOnlyWhatCameAfterIt() {
        Member alice = arrives("alice");
        Member bob = arrives("bob");
        joins("carol");
        Member dave = connect(false);
        claim(dave, "dave"); // in the room's map already, its change still on its way
        assertEquals(List.of("alice", "bob", "carol"), list(alice), "what is recorded, pending or not");
        log.changed("dave", true);
        flush();
        assertGot(alice, List.of("dave"), List.of()); // carol came before its answer
        assertGot(bob, List.of("carol", "dave"), List.of()); // the others' batch is as it was
        assertEquals(List.of("alice", "bob", "carol", "dave"), list(alice));
        leaves(dave);
        joins("erin");
        leaves(joins("frank")); // came and went: in neither
        flush();
        assertGot(alice, List.of("erin"), List.of("dave"));
        assertGot(bob, List.of("erin"), List.of("dave"));
    }

    @Test
    void aListSendsNothingToTheOthersAndLeavesTheirBatchPending() {
        Member alice = arrives("alice");
        Member bob = arrives("bob");
        joins("carol");
        assertEquals(List.of("alice", "bob", "carol"), list(alice));
        assertNothing(bob);
        assertTrue(log.pending());
    }

    @Test
    void aNameGivenUpByOneViewerAndTakenByAnotherStaysListedWhicheverChangeIsRecordedFirst() {
        Member alice = arrives("alice");
        Member bob = joins("bob");
        flush();
        alice.frames();
        assertTrue(room.release("bob", bob.client()));
        Member other = connect(false);
        claim(other, "bob");
        log.changed("bob", true); // the new holder's change first
        log.changed("bob", false);
        assertEquals(List.of("alice", "bob"), list(alice));
        flush();
        assertNothing(alice);
    }

    private Viewer batched(String name) throws InterruptedException {
        Viewer viewer = Viewer.connect(broker, "premiere");
        viewer.send("{\"command\":\"identify\",\"name\":\"" + name + "\",\"presence\":\"batched\"}");
        assertEquals(300, viewer.next("outcome").getInt("code"));
        return viewer;
    }

    private void startBroker() {
        // A ticker that never fires within a test: every batch here is one that order forces.
        broker = new Broker(Settings.load(Map.of("wschat.presenceBatchMillis", "3600000")::get), JSON,
                PresenceLogTest.class.getClassLoader(), new LocalOnly());
    }

    @Test
    void throughTheCommandsTheFirstFrameIsAgainstThe300AndComesBeforeTheNewcomersBroadcast() throws Exception {
        startBroker();
        Viewer alice = Viewer.identified(broker, "premiere", "alice");
        Viewer bob = Viewer.identified(broker, "premiere", "bob");
        alice.next("join");
        Viewer carol = batched("carol"); // the room at its 300: alice, bob, carol
        alice.next("join");
        bob.next("join");
        bob.connection().closed(1000, "bye");
        alice.next("quit");
        Viewer dave = Viewer.identified(broker, "premiere", "dave");
        dave.send("{\"command\":\"broadcast\",\"message\":\"hello\"}");
        JsonObject presence = carol.next("presence");
        assertEquals(List.of("dave"), names(presence, "joined"));
        assertEquals(List.of("bob"), names(presence, "left"));
        assertEquals("dave", carol.next("broadcast").getString("from"));
        assertTrue(carol.peer().drain().isEmpty(), "and nothing else: no join, no quit");
    }

    @Test
    void throughTheCommandsListAnswersTheRoomAndTheNextFrameTellsOnlyWhatCameAfter() throws Exception {
        startBroker();
        Viewer carol = batched("carol");
        Viewer erin = batched("erin");
        Viewer.identified(broker, "premiere", "dave");
        carol.send("{\"command\":\"list\"}");
        assertEquals("[\"carol\",\"dave\",\"erin\"]", carol.next("list").get("names").toString());
        assertTrue(erin.peer().drain().isEmpty(), "carol's list sends erin nothing");
        Viewer frank = Viewer.identified(broker, "premiere", "frank");
        frank.send("{\"command\":\"broadcast\",\"message\":\"hi\"}"); // frank is news: the batch goes first
        assertEquals(List.of("frank"), names(carol.next("presence"), "joined"));
        assertEquals("frank", carol.next("broadcast").getString("from"));
        assertEquals(List.of("dave", "frank"), names(erin.next("presence"), "joined"));
        assertEquals("frank", erin.next("broadcast").getString("from"));
    }
}
