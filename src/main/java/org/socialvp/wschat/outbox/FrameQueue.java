package org.socialvp.wschat.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frames waiting for one connection, in the order offered, bounded by their bytes.
 *
 * <p>Any thread may {@link #add}; only the holder of the outbox's send token takes frames out. A
 * frame's bytes count from {@link #add} until {@link #sent} (or {@link #clear}): a frame being
 * written still occupies the connection. Lock-free: a {@link ConcurrentLinkedQueue} and one
 * counter.
 */
final class FrameQueue {

    private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
    /** Bytes queued plus bytes taken out and not yet {@link #sent}. */
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;

    FrameQueue(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Queues {@code frame} behind the others; {@code false}, and nothing queued, if it would pass the bound. */
    boolean add(Frame frame) {
        if (bytes.addAndGet(frame.size()) > maxBytes) {
            bytes.addAndGet(-frame.size());
            return false;
        }
        frames.add(frame);
        return true;
    }

    /** The next frame, still counted until {@link #sent}; {@code null} if none waits. */
    Frame poll() {
        return frames.poll();
    }

    /**
     * The next frames, still counted until {@link #sent}: up to {@code maxFrames} of them, as many
     * as fit in {@code maxWireBytes} on the wire ({@link #wireBytes}), and always the next one even
     * if it alone is larger.
     *
     * <p>Besides the token's holder only a close takes frames out ({@link #clear}, from any
     * thread): if it empties the queue between the look and the take, the batch ends there.
     */
    List<Frame> poll(int maxFrames, int maxWireBytes) {
        List<Frame> batch = new ArrayList<>(Math.min(maxFrames, 16));
        long wire = 0;
        Frame next;
        while (batch.size() < maxFrames && (next = frames.peek()) != null) {
            wire += wireBytes(next);
            if (wire > maxWireBytes && !batch.isEmpty()) {
                break;
            }
            Frame taken = frames.poll();
            if (taken == null) {
                break; // cleared by a close meanwhile
            }
            batch.add(taken);
            if (taken != next) {
                break; // cleared, and a frame offered since: its size was not looked at
            }
        }
        return batch;
    }

    /** A frame's bytes on the wire: its text and a server frame's header (RFC 6455 §5.2, unmasked). */
    static long wireBytes(Frame frame) {
        int payload = frame.size();
        return payload + (payload <= 125 ? 2 : payload <= 0xFFFF ? 4 : 10);
    }

    /** Frames taken out earlier, of {@code size} bytes in all, are written (or given up). */
    void sent(long size) {
        bytes.addAndGet(-size);
    }

    /** Drops every queued frame. */
    void clear() {
        Frame dropped;
        while ((dropped = frames.poll()) != null) {
            bytes.addAndGet(-dropped.size());
        }
    }

    boolean isEmpty() {
        return frames.isEmpty();
    }

    /**
     * Whether more than one frame waits. Called by the token's holder while nothing is in flight,
     * so the bytes beyond the head frame's are other frames.
     */
    boolean backlogged() {
        Frame head = frames.peek();
        return head != null && bytes.get() > head.size();
    }

    /** Bytes waiting, in flight included. */
    long bytes() {
        return bytes.get();
    }
}
