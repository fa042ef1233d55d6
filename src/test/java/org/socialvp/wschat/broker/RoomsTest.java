package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.cluster.LocalOnly;

/** The registry of rooms and names under many threads. */
class RoomsTest {

    private static final int THREADS = 24;

    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    private final Rooms rooms = new Rooms(0, new LocalOnly());

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /**
     * Each client is among the room's identified once, however many names it holds: through a
     * rename, and through a session's hand-over to a new connection while the old one was renaming
     * (the old keeps the name it claimed, seated anew); with its last name it is gone from them.
     */
    @Test
    void aClientIsIdentifiedOnceWhileRenamingAndAfterAHandOverMidRename() {
        Room room = rooms.join("seats");
        Client old = clientIn(room);
        Client resumed = clientIn(room);
        assertTrue(room.claim("alice", old));
        assertTrue(room.claim("alicia", old)); // renaming: both names held for a moment
        assertEquals(List.of(old), List.copyOf(room.identified()));
        assertEquals(1, room.identifiedCount());

        room.whileHolding("alice", old, () -> room.handOver("alice", old, resumed));
        assertSame(resumed, room.find("alice"));
        assertSame(old, room.find("alicia"));
        assertEquals(2, room.identifiedCount());
        assertTrue(room.identified().containsAll(List.of(old, resumed)));

        assertTrue(room.release("alicia", old));
        assertEquals(List.of(resumed), List.copyOf(room.identified()));
        assertTrue(room.release("alice", resumed));
        assertEquals(0, room.identifiedCount());
        assertTrue(room.claim("alice", resumed), "a client that gave up its last name can take one again");
        assertEquals(List.of(resumed), List.copyOf(room.identified()));
    }

    @Test
    void ofManyClientsRacingForOneNameExactlyOneWins() throws Exception {
        for (int round = 0; round < 200; round++) {
            Room room = rooms.join("race");
            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Client> clients = new ArrayList<>();
            List<Future<Boolean>> claims = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                Client client = clientIn(room);
                clients.add(client);
                claims.add(threads.submit(() -> {
                    start.await();
                    return room.claim("alice", client);
                }));
            }
            int winners = 0;
            Client winner = null;
            for (int i = 0; i < THREADS; i++) {
                if (claims.get(i).get()) {
                    winners++;
                    winner = clients.get(i);
                }
            }
            assertEquals(1, winners, "round " + round);
            assertSame(winner, room.find("alice"));
            assertTrue(room.release("alice", winner));
            rooms.leave(room);
        }
        assertEquals(0, rooms.size());
    }

    @Test
    void onlyTheHolderCanReleaseAName() {
        Room room = rooms.join("lobby");
        Client alice = clientIn(room);
        Client other = clientIn(room);
        assertTrue(room.claim("alice", alice));
        assertTrue(room.claim("alice", alice), "claiming one's own name again succeeds");
        assertFalse(room.claim("alice", other));
        assertFalse(room.release("alice", other));
        assertSame(alice, room.find("alice"));
        assertTrue(room.release("alice", alice));
        assertNull(room.find("alice"));
    }

    @Test
    void namesAreListedSortedOnceAnnounced() {
        Room room = rooms.join("lobby");
        for (String name : List.of("carol", "alice", "Bob", "bob")) {
            Client client = clientIn(room);
            room.claim(name, client);
            room.announce(name, client, () -> { });
        }
        room.claim("dave", clientIn(room));
        assertEquals(List.of("Bob", "alice", "bob", "carol"), room.sortedNames(), "dave's join is not out yet");
    }

    @Test
    void aRoomBeingRemovedWhileSomeoneJoinsNeverLosesTheJoiner() throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        AtomicInteger lostJoiners = new AtomicInteger();
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            work.add(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    Room room = rooms.join("party");
                    if (rooms.get("party") != room) {
                        lostJoiners.incrementAndGet();
                    }
                    rooms.leave(room);
                }
                return null;
            });
        }
        for (Future<Void> done : threads.invokeAll(work)) {
            done.get();
        }
        assertEquals(0, lostJoiners.get(), "a joiner held a room that was no longer registered");
        assertEquals(0, rooms.size(), "the last one out removes the room");
    }

    @Test
    void concurrentJoinsAndLeavesAcrossManyRoomsLeaveNothingBehind() throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Callable<Void>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int seed = t;
            work.add(() -> {
                start.await();
                List<Room> held = new ArrayList<>();
                for (int i = 0; i < 5_000; i++) {
                    held.add(rooms.join("room-" + ((i * 7 + seed) % 50)));
                    if (held.size() > 10) {
                        rooms.leave(held.remove(0));
                    }
                }
                held.forEach(rooms::leave);
                return null;
            });
        }
        for (Future<Void> done : threads.invokeAll(work)) {
            done.get();
        }
        assertEquals(0, rooms.size());
    }

    @Test
    void aHundredThousandRoomsComeAndGo() {
        List<Room> joined = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            joined.add(rooms.join("room-" + i));
        }
        assertEquals(100_000, rooms.size());
        joined.forEach(rooms::leave);
        assertEquals(0, rooms.size());
    }

    @Test
    void aFullRoomTurnsTheNextJoinerAwayUntilSomeoneLeaves() {
        Rooms small = new Rooms(2, new LocalOnly());
        Room first = small.join("small");
        assertSame(first, small.join("small"));
        assertNull(small.join("small"), "the third connection finds the room full");
        small.leave(first);
        assertSame(first, small.join("small"));
    }

    /** A client with no connection behind it: the registry only cares about its identity. */
    private static Client clientIn(Room room) {
        return new Client("test", room, 0, null, client -> null);
    }
}
