package org.socialvp.wschat.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.socialvp.wschat.outbox.Frame;

/**
 * One session's numbered stream: the frames it has been sent, numbered 1, 2, 3… in sending order,
 * kept until the client has certainly received them — which a pong proves for every frame written
 * before its ping (see {@link #acknowledged}) — so that a resume can send again exactly what may
 * have been lost.
 *
 * <p>Bounded: past {@code maxBytes} the oldest kept frames are dropped, and a resume that needs one
 * of them is refused ({@link #after} answers {@code null}): never a silent gap.
 *
 * <p>Not thread-safe: its {@link Session} guards it.
 */
final class ResumeBuffer {

    private final long maxBytes;
    /**
     * The kept frames' shared bodies, oldest first; the one at index {@code i} is numbered
     * {@code firstKept + i}. Only the bodies are kept, never a numbered copy: a viewer's kept
     * frames then add no objects of their own to the heap (a busy room keeps hundreds of thousands
     * across its viewers, and objects that live that long are what make a collector work).
     */
    private final ArrayDeque<Frame.Encoded> kept = new ArrayDeque<>();
    private long firstKept = 1;
    private long bytes;

    ResumeBuffer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Numbers {@code frame} as the next of the stream and keeps it. */
    Frame.Numbered add(Frame.Encoded frame) {
        Frame.Numbered numbered = Frame.Numbered.of(frame, nextSeq());
        kept.addLast(frame);
        bytes += numbered.size();
        while (bytes > maxBytes) {
            dropOldest();
        }
        return numbered;
    }

    /** The client has every frame up to {@code seq}: they need not be kept. */
    void acknowledged(long seq) {
        while (!kept.isEmpty() && firstKept <= seq) {
            dropOldest();
        }
    }

    private void dropOldest() {
        bytes -= Frame.Numbered.sizeOf(kept.removeFirst(), firstKept);
        firstKept++;
    }

    /**
     * The frames numbered after {@code last}, in order, for a client that has processed frame
     * {@code last}; {@code null} if the stream never reached {@code last}, or if a frame after it is
     * no longer kept.
     */
    List<Frame.Numbered> after(long last) {
        if (last > lastSeq() || last + 1 < firstKept) {
            return null;
        }
        List<Frame.Numbered> missed = new ArrayList<>();
        long seq = firstKept;
        for (Frame.Encoded frame : kept) {
            if (seq > last) {
                missed.add(Frame.Numbered.of(frame, seq));
            }
            seq++;
        }
        return missed;
    }

    /** The number of the last frame of the stream, 0 before the first. */
    long lastSeq() {
        return nextSeq() - 1;
    }

    private long nextSeq() {
        return firstKept + kept.size();
    }

    /** Bytes kept. */
    long bytes() {
        return bytes;
    }

    /** Whether {@code frame} can be added without dropping a kept frame. */
    boolean fits(Frame.Encoded frame) {
        return bytes + Frame.Numbered.sizeOf(frame, nextSeq()) <= maxBytes;
    }
}
