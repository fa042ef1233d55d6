package org.socialvp.wschat.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.protocol.Disconnect;
import org.socialvp.wschat.testing.FakePeer;
import org.socialvp.wschat.testing.FakePeer.Completes;

/** The write path on its own, against a scripted peer instead of a container. */
class OutboxTest {

    private static final long MAX_BYTES = 1 << 20;
    private static final long GRACE_MILLIS = 500;

    private final WorkerThreads threads = new WorkerThreads(getClass().getClassLoader());
    private final AtomicInteger overflows = new AtomicInteger();

    @AfterEach
    void stop() {
        threads.shutdown();
    }

    private Outbox outbox(FakePeer peer) {
        return outbox(peer, MAX_BYTES);
    }

    private Outbox outbox(FakePeer peer, long maxBytes) {
        return new Outbox(peer, maxBytes, threads.writers(), peer.batchBytes(), threads.housekeeping(),
                GRACE_MILLIS, overflows::incrementAndGet);
    }

    @ParameterizedTest
    @EnumSource(value = Completes.class, names = {"INLINE", "LATER"})
    void tenThousandFramesArriveInOrderOneSendAtATime(Completes completes) throws Exception {
        FakePeer peer = new FakePeer(completes, false);
        Outbox outbox = outbox(peer);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(outbox.offer(Frame.of("frame " + i)));
        }
        for (int i = 0; i < 10_000; i++) {
            assertEquals("frame " + i, peer.next());
        }
        assertEquals(0, peer.overlaps(), "never two sends at once");
        awaitNothingQueued(outbox); // the last completion may still be on its way
    }

    private static void awaitNothingQueued(Outbox outbox) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (outbox.queuedBytes() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, outbox.queuedBytes(), "everything written is accounted for");
    }

    @ParameterizedTest
    @EnumSource(value = Completes.class, names = {"INLINE", "LATER"})
    void framesFromEightThreadsArriveInEachSendersOrder(Completes completes) throws Exception {
        for (boolean batching : new boolean[] {false, true}) {
            FakePeer peer = new FakePeer(completes, batching);
            Outbox outbox = outbox(peer, Long.MAX_VALUE);
            ExecutorService senders = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sending = new ArrayList<>();
            for (int sender = 0; sender < 8; sender++) {
                int id = sender;
                sending.add(senders.submit(() -> {
                    start.await();
                    for (int seq = 0; seq < 10_000 / 8; seq++) {
                        outbox.offer(Frame.of(id + ":" + seq));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> done : sending) {
                done.get(30, TimeUnit.SECONDS);
            }
            senders.shutdown();
            Map<String, Integer> nextBySender = new HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                String frame = peer.next();
                String[] parts = frame.split(":");
                int expected = nextBySender.getOrDefault(parts[0], 0);
                assertEquals(expected, Integer.parseInt(parts[1]), "sender " + parts[0] + " in order, no gap");
                nextBySender.put(parts[0], expected + 1);
            }
            assertNull(peer.next(), "nothing twice");
            assertEquals(0, peer.overlaps(), "never two sends at once");
        }
    }

    @Test
    void aBacklogIsWrittenInBatchesWhereTheContainerCanBatch() throws Exception {
        FakePeer peer = new FakePeer(Completes.NEVER, true);
        Outbox outbox = outbox(peer);
        outbox.offer(Frame.of("lone")); // a lone frame goes out at once, asynchronously
        for (int i = 0; i < 1000; i++) {
            outbox.offer(Frame.of("queued " + i)); // a backlog forms behind it
        }
        peer.completes(Completes.INLINE);
        peer.completeHung();
        assertEquals("lone", peer.next());
        for (int i = 0; i < 1000; i++) {
            assertEquals("queued " + i, peer.next());
        }
        assertTrue(peer.batches() >= 1000 / Outbox.MAX_BATCH && peer.batches() <= 1000 / Outbox.MAX_BATCH + 2,
                "many frames per write: " + peer.batches() + " batches");
        assertEquals(0, peer.overlaps());
    }

    /**
     * Frames of 100 bytes (102 on the wire) into a container buffer of 1,000 bytes: nine to a
     * batch, never more; a frame larger than the buffer is written on its own, outside a batch.
     */
    @Test
    void aBatchHoldsNoMoreThanTheContainersBufferAndALargerFrameGoesAlone() throws Exception {
        FakePeer peer = new FakePeer(Completes.NEVER, 1000);
        Outbox outbox = outbox(peer);
        String hundred = "x".repeat(100);
        String large = "y".repeat(1500);
        outbox.offer(Frame.of("lone")); // hangs: a backlog forms behind it
        for (int i = 0; i < 30; i++) {
            outbox.offer(Frame.of(i == 20 ? large : hundred));
        }
        peer.completes(Completes.INLINE);
        peer.completeHung();
        assertEquals("lone", peer.next());
        for (int i = 0; i < 30; i++) {
            assertEquals(i == 20 ? large : hundred, peer.next());
        }
        assertEquals(List.of(9, 9, 2, 9), peer.batchSizes());
        assertEquals(List.of(large), peer.writtenAlone());
    }

    @Test
    void aFrameThatWouldPassTheBoundIsRefusedAndTheOwnerToldOnce() {
        FakePeer peer = new FakePeer(Completes.NEVER, false);
        Outbox outbox = outbox(peer, 100);
        assertTrue(outbox.offer(Frame.of("x".repeat(60))), "in flight");
        assertTrue(outbox.offer(Frame.of("x".repeat(40))), "exactly at the bound");
        assertFalse(outbox.offer(Frame.of("y")));
        assertEquals(1, overflows.get());
        assertEquals(100, outbox.queuedBytes(), "the refused frame is not counted");
    }

    @Test
    void closingDropsTheQueueWaitsForTheSendInFlightThenCloses() throws Exception {
        FakePeer peer = new FakePeer(Completes.LATER, false);
        peer.completes(Completes.NEVER);
        Outbox outbox = outbox(peer);
        outbox.offer(Frame.of("in flight"));
        outbox.offer(Frame.of("queued"));
        outbox.close(Disconnect.FLOODING);
        assertFalse(outbox.offer(Frame.of("after the close")), "nothing is accepted once closing");
        assertTrue(peer.awaitClose(5), "closed at the end of the grace period although the send never finished");
        assertEquals(1008, peer.closeCode());
        assertEquals("flooding", peer.closeReason());
        assertTrue(peer.drain().isEmpty(), "the queued frame was dropped");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aCloseThatSendsTheQueuedFramesFirstWritesThemThenCloses(boolean batching) throws Exception {
        FakePeer peer = new FakePeer(Completes.NEVER, batching);
        Outbox outbox = outbox(peer);
        outbox.offer(Frame.of("in flight"));
        outbox.offer(Frame.of("the last answer"));
        outbox.close(Disconnect.UNAUTHORIZED);
        assertFalse(outbox.offer(Frame.of("after the close")), "nothing is accepted once closing");
        Thread.sleep(GRACE_MILLIS / 5); // time enough for a wrong close, well before the grace period's forced one
        assertFalse(peer.awaitClose(0), "not before the queued frame is out");
        peer.completes(Completes.INLINE);
        peer.completeHung();
        assertTrue(peer.awaitClose(5));
        assertEquals(1008, peer.closeCode());
        assertEquals("unauthorized", peer.closeReason());
        assertEquals(List.of("in flight", "the last answer"), peer.drain());
    }

    @Test
    void closingAfterTheLastSendClosesAtOnce() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Outbox outbox = outbox(peer);
        outbox.offer(Frame.of("last words"));
        long start = System.nanoTime();
        outbox.close(Disconnect.SLOW_CONSUMER);
        assertTrue(peer.awaitClose(5));
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS), "no grace period waited");
        assertEquals(1013, peer.closeCode());
        assertEquals(List.of("last words"), peer.drain());
    }

    @Test
    void aContainerCloseSendsNothingMore() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Outbox outbox = outbox(peer);
        outbox.closedByContainer();
        assertFalse(outbox.offer(Frame.of("too late")));
        assertFalse(peer.awaitClose(1), "no close frame: the container closed it");
        assertTrue(peer.drain().isEmpty());
    }

    @Test
    void aBrokenConnectionIsClosedAndNothingMoreIsSent() throws Exception {
        FakePeer peer = new FakePeer(Completes.LATER, false);
        Outbox outbox = outbox(peer);
        peer.failNext(SendFailure.Kind.BROKEN);
        outbox.offer(Frame.of("lost"));
        outbox.offer(Frame.of("never sent"));
        assertTrue(peer.awaitClose(5));
        assertEquals(Disconnect.SEND_FAILED.code(), peer.closeCode());
        assertTrue(peer.drain().isEmpty());
        awaitNothingQueued(outbox);
    }

    @Test
    void aFrameTheContainerRefusesIsTheServersErrorNotTheRecipients() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Outbox outbox = outbox(peer);
        peer.failNext(SendFailure.Kind.REFUSED);
        outbox.offer(Frame.of("refused"));
        assertTrue(peer.awaitClose(5));
        assertEquals(1011, peer.closeCode(), "an internal error, not a policy close");
    }

    @Test
    void aPingGoesOutBeforeTheNextFrame() throws Exception {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Outbox outbox = outbox(peer);
        outbox.ping();
        assertEquals(1, peer.pings());
        outbox.offer(Frame.of("after the ping"));
        assertEquals("after the ping", peer.next());
    }

    @Test
    void aStuckBatchWriterIsPassedOver() throws Exception {
        List<FakePeer> stalled = new ArrayList<>();
        List<Outbox> stalledBoxes = new ArrayList<>();
        for (int i = 0; i < WorkerThreads.WRITERS; i++) {
            FakePeer peer = new FakePeer(Completes.LATER, true);
            peer.stallBatches();
            stalled.add(peer);
            Outbox outbox = outbox(peer);
            stalledBoxes.add(outbox);
            outbox.enqueue(Frame.of("stalls " + i));
            outbox.pumpByWriters(); // every writer now waits on a peer that does not read
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(Writers.STUCK_NANOS) * 2);
        FakePeer healthy = new FakePeer(Completes.LATER, true);
        Outbox outbox = outbox(healthy);
        for (int i = 0; i < 100; i++) {
            outbox.offer(Frame.of("frame " + i));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("frame " + i, healthy.next(), "delivered although every writer is stuck");
        }
        stalled.forEach(FakePeer::unstall);
        for (int i = 0; i < stalled.size(); i++) {
            assertEquals("stalls " + i, stalled.get(i).next(), "the stalled ones get theirs once they read");
        }
    }
}
