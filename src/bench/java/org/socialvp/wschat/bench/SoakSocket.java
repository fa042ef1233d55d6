package org.socialvp.wschat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client WebSocket on a shared selector, for {@link Soak}: raw frames like
 * {@link LoadGenerator}'s connections, but complete enough to run for half an hour against a
 * server that misbehaves on purpose — it checks the handshake (101 and {@code Sec-WebSocket-Accept}),
 * assembles fragmented messages, checks that text is UTF-8, answers pings, does the close
 * handshake both ways (and reports the server's close code and reason), and can stop reading, drop
 * the connection without a close frame (FIN or TCP reset) or send any frame at all, valid or not.
 *
 * <p>Not thread-safe: everything runs on the selector's thread.
 */
final class SoakSocket {

    /** What happens on a connection; every method is called on the selector's thread. */
    interface Listener {
        /** The handshake succeeded. */
        void opened(SoakSocket socket);

        /** A whole text message (fragments assembled), valid UTF-8. */
        void text(SoakSocket socket, String text, int bytes);

        /** Something a server must never send: text that is not UTF-8, a binary or masked frame, a bad handshake. */
        void protocolError(SoakSocket socket, String what);

        /**
         * The connection is over, called exactly once. {@code code} is the close frame's status
         * (1005 if it had none) or 1006 when the connection ended without a close frame;
         * {@code byServer} is false when this side started the close or drop.
         */
        void closed(SoakSocket socket, int code, String reason, boolean byServer);
    }

    enum State { CONNECTING, HANDSHAKE, OPEN, CLOSING, CLOSED }

    private static final byte[] ZERO_MASK = {0, 0, 0, 0};
    private static final byte[] HEADER_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_READS_PER_EVENT = 16;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Listener listener;
    private final String request;
    private final String expectedAccept;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private ByteBuffer out = ByteBuffer.allocate(4 * 1024);
    private State state = State.CONNECTING;
    private boolean reading = true;
    /** A fragmented message being assembled (opcode 1 with FIN unset, then continuations). */
    private byte[] partial;
    private int partialLength;
    private boolean partialIsText;
    private long bytesIn;
    private long framesOut;
    /** Anything the owner wants to hang on the socket. */
    Object owner;

    private SoakSocket(SocketChannel channel, Selector selector, Listener listener, String host, String path)
            throws IOException {
        this.channel = channel;
        this.listener = listener;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String webSocketKey = Base64.getEncoder().encodeToString(nonce);
        this.expectedAccept = accept(webSocketKey);
        this.request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + webSocketKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        this.key = channel.register(selector, SelectionKey.OP_CONNECT, this);
    }

    /**
     * Starts connecting to {@code host:port} and asking for {@code path}. A positive
     * {@code receiveBuffer} sets the socket's receive buffer (before connecting, so that the
     * kernel does not grow it): a client that stops reading then stalls the server quickly.
     */
    static SoakSocket connect(Selector selector, String host, int port, String path, int receiveBuffer,
            Listener listener) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (receiveBuffer > 0) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(host, port));
            return new SoakSocket(channel, selector, listener, host + ":" + port, path);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    State state() {
        return state;
    }

    boolean isOpen() {
        return state == State.OPEN;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Bytes queued here that the kernel has not taken yet. */
    int pendingOut() {
        return out.position();
    }

    long bytesIn() {
        return bytesIn;
    }

    int localPort() {
        try {
            return ((java.net.InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    long framesOut() {
        return framesOut;
    }

    // ---------------------------------------------------------------- sending

    /** One text frame of {@code text}, masked (with a zero key: legal, and no XOR to compute). */
    void sendText(String text) {
        sendFrame(0x81, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** One text frame of exactly these bytes, UTF-8 or not. */
    void sendTextBytes(byte[] payload) {
        sendFrame(0x81, payload, true);
    }

    /**
     * Any frame: {@code firstByte} is FIN, RSV1–3 and the opcode as they go on the wire;
     * {@code masked} false sends it unmasked (which a server must refuse).
     */
    void sendFrame(int firstByte, byte[] payload, boolean masked) {
        if (state != State.OPEN && !(state == State.CLOSING && (firstByte & 0x0F) == 0xA)) {
            return;
        }
        queueFrame(firstByte, payload, masked);
        framesOut++;
        flushQuietly();
    }

    private void queueFrame(int firstByte, byte[] payload, boolean masked) {
        int length = payload.length;
        int maskBit = masked ? 0x80 : 0;
        ensureOut(14 + length);
        out.put((byte) firstByte);
        if (length < 126) {
            out.put((byte) (maskBit | length));
        } else if (length < 65536) {
            out.put((byte) (maskBit | 126)).put((byte) (length >>> 8)).put((byte) length);
        } else {
            out.put((byte) (maskBit | 127)).putLong(length);
        }
        if (masked) {
            out.put(ZERO_MASK);
        }
        out.put(payload);
    }

    private void ensureOut(int more) {
        if (out.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more + 1024));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
    }

    // ---------------------------------------------------------------- closing

    /** Starts the close handshake; the connection ends when the server answers (or the owner gives up with {@link #drop}). */
    void close(int code, String reason) {
        if (state == State.CONNECTING || state == State.HANDSHAKE) {
            drop(false, code, "closed before the handshake finished");
            return;
        }
        if (state != State.OPEN) {
            return;
        }
        queueFrame(0x88, closePayload(code, reason), true);
        state = State.CLOSING;
        flushQuietly();
    }

    /**
     * Ends the connection without a close frame: a plain close (FIN) or, with {@code reset}, a
     * TCP reset. Reported to the listener as closed by this side with {@code code}.
     */
    void drop(boolean reset, int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        try {
            if (reset) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        finish(code, reason, false);
    }

    /** Stops reading: the server's frames pile up in the kernel and then in the server. */
    void stopReading() {
        reading = false;
        updateInterest();
    }

    /** Reads again (what the server left for us, up to its close). */
    void resumeReading() {
        reading = true;
        updateInterest();
    }

    private void finish(int code, String reason, boolean byServer) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        partial = null;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // gone already
        }
        in = null;
        out = null;
        listener.closed(this, code, reason, byServer);
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + Math.min(text.length, 123)];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, payload.length - 2);
        return payload;
    }

    // ---------------------------------------------------------------- selector events

    /** The selector says {@link #key} is ready. */
    void ready() {
        if (state == State.CLOSED || !key.isValid()) {
            return;
        }
        try {
            if (key.isConnectable()) {
                if (!channel.finishConnect()) {
                    return;
                }
                state = State.HANDSHAKE;
                byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
                ensureOut(bytes.length);
                out.put(bytes);
                flush();
                updateInterest();
                return;
            }
            if (state != State.CLOSED && key.isValid() && key.isWritable()) {
                flush();
            }
            if (state != State.CLOSED && reading && key.isValid() && key.isReadable()) {
                read();
            }
        } catch (IOException e) {
            finish(1006, String.valueOf(e.getMessage()), state != State.CLOSING);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException e) {
            finish(1006, String.valueOf(e.getMessage()), state != State.CLOSING);
        }
    }

    private void flush() throws IOException {
        if (state == State.CLOSED || state == State.CONNECTING) {
            return;
        }
        if (out.position() > 0) {
            out.flip();
            channel.write(out);
            out.compact();
        }
        updateInterest();
    }

    private void updateInterest() {
        if (state == State.CLOSED || state == State.CONNECTING || !key.isValid()) {
            return;
        }
        int ops = (reading ? SelectionKey.OP_READ : 0) | (out.position() > 0 ? SelectionKey.OP_WRITE : 0);
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    private void read() throws IOException {
        for (int reads = 0; reads < MAX_READS_PER_EVENT && reading && state != State.CLOSED; reads++) {
            if (in.remaining() < 4096) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            int n = channel.read(in);
            if (n < 0) {
                finish(1006, "connection ended without a close frame", state != State.CLOSING);
                return;
            }
            if (n == 0) {
                return;
            }
            bytesIn += n;
            in.flip();
            parse();
            if (state == State.CLOSED) {
                return;
            }
            if (in.hasRemaining()) {
                in.compact();
            } else {
                in.clear();
                if (in.capacity() > 256 * 1024) {
                    in = ByteBuffer.allocate(16 * 1024); // a large message has gone: give the memory back
                }
            }
        }
    }

    /** Consumes what {@link #in} (flipped) holds: the handshake answer, then whole frames. */
    private void parse() {
        if (state == State.HANDSHAKE) {
            int end = indexOf(in, HEADER_END);
            if (end < 0) {
                if (in.remaining() > 16 * 1024) {
                    listener.protocolError(this, "handshake answer over 16 KiB");
                    finish(1006, "bad handshake", true);
                }
                return;
            }
            byte[] head = new byte[end - in.position()];
            in.get(head);
            in.position(end + HEADER_END.length);
            String answer = new String(head, StandardCharsets.ISO_8859_1);
            String status = answer.lines().findFirst().orElse("");
            if (!status.startsWith("HTTP/1.1 101")) {
                listener.protocolError(this, "handshake answered '" + status + "'");
                finish(1006, "handshake answered " + status, true);
                return;
            }
            boolean accepted = answer.lines().anyMatch(line -> line.regionMatches(true, 0, "Sec-WebSocket-Accept:", 0, 21)
                    && line.substring(21).trim().equals(expectedAccept));
            if (!accepted) {
                listener.protocolError(this, "handshake without the right Sec-WebSocket-Accept");
            }
            state = State.OPEN;
            listener.opened(this);
            if (state == State.CLOSED) {
                return;
            }
        }
        while (state != State.CLOSED) {
            FrameHeader header = FrameHeader.peek(in);
            if (header == null) {
                return;
            }
            if (header.masked()) {
                listener.protocolError(this, "a masked frame from the server");
            }
            if (header.length() > 64L * 1024 * 1024) {
                listener.protocolError(this, "a frame of " + header.length() + " bytes");
                finish(1006, "frame too large", true);
                return;
            }
            if (!header.completeIn(in)) {
                return;
            }
            int payload = in.position() + header.size();
            int length = (int) header.length();
            in.position(payload + length);
            frame(header.first(), payload, length);
        }
    }

    private void frame(int first, int offset, int length) {
        boolean fin = (first & 0x80) != 0;
        int opcode = first & 0x0F;
        if ((first & 0x70) != 0) {
            listener.protocolError(this, "a frame with RSV bits set");
        }
        switch (opcode) {
            case 0x0 -> {
                if (partial == null) {
                    listener.protocolError(this, "a continuation frame with nothing to continue");
                    return;
                }
                if (partialLength + length > partial.length) {
                    partial = Arrays.copyOf(partial, Math.max(partial.length * 2, partialLength + length));
                }
                in.get(offset, partial, partialLength, length);
                partialLength += length;
                if (fin) {
                    byte[] whole = partial;
                    int wholeLength = partialLength;
                    partial = null;
                    if (partialIsText) {
                        text(ByteBuffer.wrap(whole, 0, wholeLength));
                    } else {
                        listener.protocolError(this, "a binary message");
                    }
                }
            }
            case 0x1, 0x2 -> {
                if (partial != null) {
                    listener.protocolError(this, "a new message inside a fragmented one");
                }
                if (fin) {
                    if (opcode == 0x1) {
                        text(in.duplicate().limit(offset + length).position(offset));
                    } else {
                        listener.protocolError(this, "a binary message");
                    }
                } else {
                    partial = new byte[Math.max(length * 2, 1024)];
                    in.get(offset, partial, 0, length);
                    partialLength = length;
                    partialIsText = opcode == 0x1;
                }
            }
            case 0x8 -> {
                int code = length >= 2 ? ((in.get(offset) & 0xFF) << 8) | (in.get(offset + 1) & 0xFF) : 1005;
                byte[] reason = new byte[Math.max(0, length - 2)];
                if (length > 2) {
                    in.get(offset + 2, reason);
                }
                String why = new String(reason, StandardCharsets.UTF_8);
                if (state == State.CLOSING) {
                    finish(code, why, false);
                } else {
                    // the server closes: echo its code, as the protocol asks, then let go
                    queueFrame(0x88, code == 1005 ? new byte[0] : closePayload(code, ""), true);
                    try {
                        flush();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                    finish(code, why, true);
                }
            }
            case 0x9 -> {
                byte[] data = new byte[length];
                in.get(offset, data);
                if (state == State.OPEN) {
                    sendFrame(0x8A, data, true);
                    framesOut--; // pongs are not counted as traffic
                }
            }
            case 0xA -> { }
            default -> listener.protocolError(this, "a frame with opcode " + opcode);
        }
    }

    private void text(ByteBuffer bytes) {
        int size = bytes.remaining();
        CharBuffer chars;
        try {
            chars = utf8.reset().decode(bytes);
        } catch (CharacterCodingException e) {
            listener.protocolError(this, "a text message that is not UTF-8");
            return;
        }
        listener.text(this, chars.toString(), size);
    }

    private static int indexOf(ByteBuffer buffer, byte[] needle) {
        outer:
        for (int i = buffer.position(); i <= buffer.limit() - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buffer.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String accept(String webSocketKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (webSocketKey + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
