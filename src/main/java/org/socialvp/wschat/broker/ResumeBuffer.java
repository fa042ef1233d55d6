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
    private final ArrayDeque<Frame.Numbered> kept = new ArrayDeque<>();
    private long nextSeq = 1;
    private long bytes;

    ResumeBuffer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Numbers {@code frame} as the next of the stream and keeps it. */
    Frame.Numbered add(Frame.Encoded frame) {
        Frame.Numbered numbered = Frame.Numbered.of(frame, nextSeq++);
        kept.addLast(numbered);
        bytes += numbered.size();
        while (bytes > maxBytes) {
            bytes -= kept.removeFirst().size();
        }
        return numbered;
    }

    /** The client has every frame up to {@code seq}: they need not be kept. */
    void acknowledged(long seq) {
        while (!kept.isEmpty() && kept.peekFirst().seq() <= seq) {
            bytes -= kept.removeFirst().size();
        }
    }

    /**
     * The frames numbered after {@code last}, in order, for a client that has processed frame
     * {@code last}; {@code null} if the stream never reached {@code last}, or if a frame after it is
     * no longer kept.
     */
    List<Frame.Numbered> after(long last) {
        if (last > lastSeq()) {
            return null;
        }
        long firstKept = kept.isEmpty() ? nextSeq : kept.peekFirst().seq();
        if (last + 1 < firstKept) {
            return null;
        }
        List<Frame.Numbered> missed = new ArrayList<>();
        for (Frame.Numbered frame : kept) {
            if (frame.seq() > last) {
                missed.add(frame);
            }
        }
        return missed;
    }

    /** The number of the last frame of the stream, 0 before the first. */
    long lastSeq() {
        return nextSeq - 1;
    }

    /** Bytes kept. */
    long bytes() {
        return bytes;
    }

    /** Whether {@code frame} can be added without dropping a kept frame. */
    boolean fits(Frame.Encoded frame) {
        return bytes + Frame.Numbered.sizeOf(frame, nextSeq) <= maxBytes;
    }
}
