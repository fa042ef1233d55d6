package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.ServerLog;

/** Many connections at once: name races, long ordered streams, concurrent broadcasters. */
class ConcurrencyIT extends DeployedWarIT {

    /**
     * Where Tomcat logs trouble in the session close that a failed write starts (the logger's
     * class and method, which no translation changes).
     */
    private static final String FAILED_WRITE_CLOSE = "org.apache.tomcat.websocket.WsSession.doClose";
    /** What the outbox logs when the container refuses a frame for its own sake. */
    private static final String REFUSED_FRAME = "frame refused by the container";

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<ChatClient> clients = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.rateLimitPerSecond", "0", "wschat.rateLimitBytesPerSecond", "0"));
    }

    @AfterEach
    void closeEverything() {
        clients.forEach(ChatClient::close);
        threads.shutdownNow();
    }

    @Test
    void ofTwentyFourConnectionsRacingForOneNameExactlyOneWins() throws Exception {
        for (int round = 0; round < 5; round++) {
            List<ChatClient> racers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                racers.add(ChatClient.connect(lobby()));
            }
            CyclicBarrier start = new CyclicBarrier(racers.size());
            List<Future<JsonObject>> outcomes = new ArrayList<>();
            for (ChatClient racer : racers) {
                outcomes.add(threads.submit(() -> {
                    start.await();
                    return racer.identify("highlander");
                }));
            }
            Map<Integer, Integer> codes = new HashMap<>();
            for (Future<JsonObject> outcome : outcomes) {
                codes.merge(outcome.get().getInt("code"), 1, Integer::sum);
            }
            assertEquals(Map.of(300, 1, 305, 23), codes, "round " + round);
            racers.forEach(ChatClient::close);
        }
    }

    @Test
    void twoThousandDirectMessagesArriveCompleteAndInOrder() {
        ChatClient alice = track(ChatClient.identified(lobby(), "alice"));
        ChatClient bob = track(ChatClient.identified(lobby(), "bob"));
        alice.next("join");
        for (int i = 0; i < 2000; i++) {
            alice.message("bob", "{\"seq\":" + i + "}");
        }
        for (int i = 0; i < 2000; i++) {
            JsonObject message = bob.next("message");
            assertEquals("alice", message.getString("from"));
            assertEquals(i, message.getJsonObject("message").getInt("seq"));
        }
        bob.expectNothingMore();
    }

    @Test
    void eightClientsBroadcastingAtOnceAreEachHeardCompletelyAndInOrder() throws Exception {
        int senders = 8;
        int perSender = 150;
        List<ChatClient> party = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            party.add(track(ChatClient.identified(lobby(), "viewer" + i)));
        }
        for (int i = 0; i < senders; i++) {
            for (int joined = i + 1; joined < senders; joined++) {
                party.get(i).next("join");
            }
        }
        CyclicBarrier start = new CyclicBarrier(senders);
        List<Callable<Void>> broadcasting = new ArrayList<>();
        for (ChatClient sender : party) {
            broadcasting.add(() -> {
                start.await();
                for (int seq = 0; seq < perSender; seq++) {
                    sender.broadcast("{\"seq\":" + seq + "}");
                }
                return null;
            });
        }
        for (Future<Void> done : threads.invokeAll(broadcasting)) {
            done.get();
        }
        for (int i = 0; i < senders; i++) {
            ChatClient receiver = party.get(i);
            Map<String, Integer> heard = takeBroadcastsInOrderPerSender(receiver, (senders - 1) * perSender,
                    broadcast -> broadcast.getJsonObject("message").getInt("seq"));
            assertEquals(senders - 1, heard.size());
            assertEquals(false, heard.containsKey("viewer" + i), "a sender never hears itself");
            receiver.expectNothingMore();
        }
        assertEquals(List.of(), ServerLog.linesContaining("IllegalStateException"));
    }

    /**
     * Deep queues: eight clients write 1,000 broadcasts each as fast as their sockets take them,
     * without waiting for anything. Payara's Tyrus reports many sends as completed before
     * {@code sendText} returns; an outbox that drained its queue by recursion overflowed its stack
     * here and lost frames without a word.
     */
    @Test
    void eightThousandBroadcastsBlastedAtOnceAllArriveInOrder() throws Exception {
        int senders = 8;
        int perSender = 1000;
        ChatClient viewer = track(ChatClient.identified(lobby(), "viewer"));
        List<RawClient> crowd = new ArrayList<>();
        try {
            for (int i = 0; i < senders; i++) {
                RawClient sender = RawClient.connect(lobby());
                crowd.add(sender);
                assertEquals(300, sender.identify("blaster" + i));
                viewer.next("join");
            }
            CyclicBarrier start = new CyclicBarrier(senders);
            List<Callable<Void>> blasting = new ArrayList<>();
            for (RawClient sender : crowd) {
                blasting.add(() -> {
                    start.await();
                    for (int seq = 0; seq < perSender; seq++) {
                        sender.sendText("{\"command\":\"broadcast\",\"message\":" + seq + "}");
                    }
                    return null;
                });
            }
            for (Future<Void> done : threads.invokeAll(blasting)) {
                done.get();
            }
            takeBroadcastsInOrderPerSender(viewer, senders * perSender, broadcast -> broadcast.getInt("message"));
            viewer.expectNothingMore();
        } finally {
            crowd.forEach(RawClient::close);
        }
        assertEquals(List.of(), ServerLog.linesContaining("StackOverflowError"));
    }

    /**
     * Viewers vanish (a TCP reset, no close) while a stream of broadcasts is being written to
     * them, their windows small so that the server's writes are under way when the reset comes.
     * That is routine for a server and must stay quiet: Tomcat logs a warning with a stack trace
     * whenever a write fails while frames are gathered for one flush (the session close it then
     * starts flushes them again), which a batch larger than the container's buffer used to provoke
     * in every such write. (A close that Tomcat's own thread notices in the instant a batch is
     * being gathered still can; that race is rare and not WSChat's write, so not counted here.)
     */
    @Test
    void viewersWhoVanishMidStreamMakeNoFailedWriteLogAWarning() throws Exception {
        String room = "vanishing";
        int viewers = 40;
        long warningsBefore = failedWriteWarnings();
        ChatClient watcher = track(ChatClient.identified(room(room), "watcher"));
        List<RawClient> crowd = new ArrayList<>();
        RawClient sender = RawClient.connect(room(room));
        try {
            assertEquals(300, sender.identify("sender"));
            watcher.next("join");
            for (int i = 0; i < viewers; i++) {
                RawClient viewer = RawClient.connect(room(room), Map.of(), 4096);
                crowd.add(viewer);
                assertEquals(300, viewer.identify("viewer" + i));
                watcher.next("join");
            }
            String message = "\"" + "x".repeat(300) + "\"";
            Future<?> blasting = threads.submit(() -> {
                for (int seq = 0; seq < 3000; seq++) {
                    sender.sendText("{\"command\":\"broadcast\",\"message\":" + message + "}");
                }
                return null;
            });
            for (int i = 0; i < viewers; i++) {
                RawClient viewer = crowd.get(i);
                for (int read = 0; read < 10 + 5 * i; read++) {
                    viewer.readFrame();
                }
                viewer.reset();
            }
            blasting.get();
            for (int i = 0; i < viewers; i++) {
                assertEquals("quit", watcher.nextSkipping("broadcast").getString("type"));
            }
        } finally {
            sender.close();
        }
        ServerLog.awaitQuiet();
        assertEquals(warningsBefore, failedWriteWarnings(), ServerLog.linesContaining(FAILED_WRITE_CLOSE).toString());
    }

    /**
     * Viewers who close cleanly while the room is written to: the server's sends to them race
     * their close, which the container answers by refusing the send (Tomcat with an
     * IllegalStateException, Tyrus with a bare RuntimeException). That is routine, never the
     * "frame refused by the container" warning that stands for a bug in WSChat.
     */
    @Test
    void viewersWhoCloseWhileTheRoomIsWrittenToAreNoRefusedFrame() throws Exception {
        String room = "closing";
        int viewers = 40;
        List<String> refusalsBefore = ServerLog.linesContaining(REFUSED_FRAME);
        List<ChatClient> crowd = new ArrayList<>();
        try (ChatClient sender = ChatClient.identified(room(room), "sender")) {
            for (int i = 0; i < viewers; i++) {
                crowd.add(track(ChatClient.identified(room(room), "viewer" + i)));
            }
            Future<?> blasting = threads.submit(() -> {
                for (int seq = 0; seq < 2000; seq++) {
                    sender.broadcast("{\"seq\":" + seq + "}");
                }
                return null;
            });
            for (int i = 0; i < viewers; i++) {
                ChatClient viewer = crowd.get(i);
                viewer.nextSkipping("join");
                viewer.close();
            }
            blasting.get();
        }
        ServerLog.awaitQuiet();
        assertEquals(refusalsBefore, ServerLog.linesContaining(REFUSED_FRAME));
    }

    /**
     * Viewers arriving in a busy room while others leave it: each new connection gets its own
     * frames only — the init first, then its 300 — never one the room was sending to a viewer
     * that was just leaving. (Payara hands a closed connection's stream on to the next one: a write
     * in the instant of a close used to land on a newcomer's connection, about once in a thousand.)
     */
    @Test
    void newcomersToABusyRoomWhileOthersLeaveGetOnlyTheirOwnFrames() throws Exception {
        URI room = room("busy");
        int workers = 10;
        int arrivalsEach = 100;
        try (ChatClient talker = ChatClient.identified(room, "talker")) {
            AtomicBoolean talking = new AtomicBoolean(true);
            Future<?> chatter = threads.submit(() -> {
                while (talking.get()) {
                    talker.broadcast("\"chatter\"");
                    Thread.sleep(1); // about 1,000 a second: every viewer has frames coming when it leaves
                }
                return null;
            });
            List<Future<?>> arrivals = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                arrivals.add(threads.submit(() -> {
                    for (int i = 0; i < arrivalsEach; i++) {
                        String name = "viewer-" + worker + "-" + i;
                        try (ChatClient viewer = ChatClient.connect(room)) { // fails unless the init comes first
                            JsonObject first = viewer.identify(name);
                            assertEquals(300, first.getInt("code"), () -> name + " got " + first);
                        }
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> arrival : arrivals) {
                    arrival.get();
                }
            } finally {
                talking.set(false);
            }
            chatter.get();
        }
    }

    private static long failedWriteWarnings() {
        return ServerLog.linesContaining(FAILED_WRITE_CLOSE).size();
    }

    /**
     * Takes the next {@code count} frames of {@code receiver}, which must be broadcasts whose
     * {@code seq} runs 0, 1, 2… for each sender (complete, in order, each once); returns how many
     * came from each sender.
     */
    private static Map<String, Integer> takeBroadcastsInOrderPerSender(ChatClient receiver, int count,
            ToIntFunction<JsonObject> seq) {
        Map<String, Integer> nextSeq = new HashMap<>();
        for (int n = 0; n < count; n++) {
            JsonObject broadcast = receiver.next("broadcast");
            String from = broadcast.getString("from");
            int expected = nextSeq.getOrDefault(from, 0);
            assertEquals(expected, seq.applyAsInt(broadcast), "from " + from);
            nextSeq.put(from, expected + 1);
        }
        return nextSeq;
    }

    private ChatClient track(ChatClient client) {
        clients.add(client);
        return client;
    }
}
