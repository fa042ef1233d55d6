package org.socialvp.wschat.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FrameQueueTest {

    @Test
    void aBatchHoldsWhatFitsAndAlwaysTheNextFrame() {
        FrameQueue queue = new FrameQueue(1 << 20);
        Frame small = Frame.of("x".repeat(100));
        Frame large = Frame.of("y".repeat(5000));
        queue.add(small);
        queue.add(small);
        queue.add(large);
        assertEquals(List.of(small, small), queue.poll(256, 1000), "two of 102 bytes fit in 1000, the large one does not");
        assertEquals(List.of(large), queue.poll(256, 1000), "a frame larger than the bound still goes, alone");
        assertTrue(queue.poll(256, 1000).isEmpty());
    }

    /**
     * A close drops the queue ({@link FrameQueue#clear}) from whichever thread closes, while the
     * token's holder may be taking a batch out. The batch then ends where the queue did: never a
     * {@code null} in it (a writer once failed on one, leaving the closing connection to its grace
     * period), and the bytes still add up.
     */
    @Test
    void aClearFromAnotherThreadWhileABatchIsTakenLeavesNoHoleInIt() throws Exception {
        FrameQueue queue = new FrameQueue(Long.MAX_VALUE);
        Frame frame = Frame.of("{\"type\":\"join\",\"who\":\"someone\"}");
        AtomicBoolean done = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            while (!done.get()) {
                queue.clear();
            }
        });
        closer.start();
        try {
            for (int round = 0; round < 200_000; round++) {
                for (int i = 0; i < 4; i++) {
                    queue.add(frame);
                }
                List<Frame> batch = queue.poll(256, 1 << 16);
                assertFalse(batch.contains(null), () -> "a hole in the batch: " + batch);
                queue.sent((long) batch.size() * frame.size());
            }
        } finally {
            done.set(true);
            closer.join();
        }
        queue.clear();
        assertEquals(0, queue.bytes(), "every frame counted out once, by the batch or by the clear");
    }
}
