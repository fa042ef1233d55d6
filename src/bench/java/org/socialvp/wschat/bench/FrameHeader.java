package org.socialvp.wschat.bench;

import java.nio.ByteBuffer;

/**
 * The header of a WebSocket frame from a server, as the load generators read it from their
 * receive buffers (RFC 6455 §5.2): the first byte (FIN, RSV, opcode), whether a mask key follows,
 * the payload's length and the header's own size.
 */
record FrameHeader(int first, boolean masked, long length, int size) {

    /** The header at {@code in}'s position, or {@code null} if not all of it has arrived; the position does not move. */
    static FrameHeader peek(ByteBuffer in) {
        if (in.remaining() < 2) {
            return null;
        }
        int start = in.position();
        int first = in.get(start) & 0xFF;
        int second = in.get(start + 1) & 0xFF;
        long length = second & 0x7F;
        int size = 2;
        if (length == 126) {
            if (in.remaining() < 4) {
                return null;
            }
            length = ((in.get(start + 2) & 0xFF) << 8) | (in.get(start + 3) & 0xFF);
            size = 4;
        } else if (length == 127) {
            if (in.remaining() < 10) {
                return null;
            }
            length = in.getLong(start + 2);
            size = 10;
        }
        boolean masked = (second & 0x80) != 0;
        return new FrameHeader(first, masked, length, masked ? size + 4 : size);
    }

    int opcode() {
        return first & 0x0F;
    }

    /** Whether the whole frame, header and payload, is in {@code in}. */
    boolean completeIn(ByteBuffer in) {
        return in.remaining() >= size + length;
    }
}
