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

    /** Up to {@code max} next frames, still counted until {@link #sent}. */
    List<Frame> poll(int max) {
        List<Frame> batch = new ArrayList<>(Math.min(max, 16));
        Frame next;
        while (batch.size() < max && (next = frames.poll()) != null) {
            batch.add(next);
        }
        return batch;
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
