package org.socialvp.wschat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A WebSocket client written straight onto a socket, for what a well-behaved client library will
 * not do: never answer pings, stop reading, vanish with a TCP reset, send binary or malformed
 * frames, send a foreign {@code Origin}. Frames are read only when the test asks, so a test that
 * does not call {@link #readFrame()} is a client that stopped reading.
 */
public final class RawClient implements AutoCloseable {

    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final int status;
    private boolean answerPings = true;

    /** One frame as received. */
    public record Frame(int opcode, byte[] payload) {

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or 1005 if it carried none. */
        public int closeCode() {
            return payload.length >= 2 ? ByteBuffer.wrap(payload).getShort() & 0xFFFF : 1005;
        }

        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private RawClient(URI uri, Map<String, String> headers, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
        socket.setSoTimeout((int) ChatClient.PATIENCE.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Map<String, String> request = new LinkedHashMap<>();
        request.put("Host", uri.getHost() + ":" + uri.getPort());
        request.put("Upgrade", "websocket");
        request.put("Connection", "Upgrade");
        request.put("Sec-WebSocket-Key", Base64.getEncoder().encodeToString(nonce));
        request.put("Sec-WebSocket-Version", "13");
        request.putAll(headers);
        StringBuilder handshake = new StringBuilder("GET " + uri.getRawPath() + " HTTP/1.1\r\n");
        request.forEach((name, value) -> handshake.append(name).append(": ").append(value).append("\r\n"));
        handshake.append("\r\n");
        out.write(handshake.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String statusLine = readLine();
        status = Integer.parseInt(statusLine.split(" ")[1]);
        while (!readLine().isEmpty()) {
            // skip the response headers
        }
    }

    /** Opens a connection; check {@link #status()} for 101 before using it as a WebSocket. */
    public static RawClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /** Opens a connection with extra handshake headers (e.g. {@code Origin}). */
    public static RawClient connect(URI uri, Map<String, String> headers) {
        return connect(uri, headers, 0);
    }

    /**
     * Opens a connection whose socket receive buffer is {@code receiveBuffer} bytes (set before
     * connecting, so the TCP window is small too): a client that stops reading then stalls the
     * server's writes quickly.
     */
    public static RawClient connect(URI uri, Map<String, String> headers, int receiveBuffer) {
        try {
            return new RawClient(uri, headers, receiveBuffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The HTTP status of a handshake with extra {@code headers}; an accepted connection leaves with
     * a close handshake, since vanishing the instant the upgrade is answered is a test of its own
     * (DeadPeerIT, OperationsIT).
     */
    public static int handshakeStatus(URI uri, Map<String, String> headers) {
        try (RawClient client = connect(uri, headers)) {
            if (client.status() == 101) {
                client.closeHandshakeThenReset();
            }
            return client.status();
        }
    }

    /** The HTTP status of the handshake response: 101 when the upgrade was accepted. */
    public int status() {
        return status;
    }

    /** Whether {@link #readFrame()} answers pings by itself (the default) or hands them to the test. */
    public RawClient answerPings(boolean answer) {
        this.answerPings = answer;
        return this;
    }

    /** Reads the init frame, identifies as {@code name} and returns the outcome code. */
    public int identify(String name) {
        readText();
        sendText(ChatClient.identifyCommand(name));
        return ChatClient.parse(readText()).getInt("code");
    }

    public void sendText(String text) {
        sendFrame(TEXT, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Sends one masked frame, as every client must. */
    public void sendFrame(int opcode, byte[] payload, boolean fin) {
        try {
            ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
            frame.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else if (payload.length < 65536) {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length);
            } else {
                frame.write(0x80 | 127);
                frame.write(ByteBuffer.allocate(8).putLong(payload.length).array());
            }
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i & 3]);
            }
            synchronized (out) {
                frame.writeTo(out);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next frame; pings are answered and skipped unless {@link #answerPings} is off. */
    public Frame readFrame() {
        try {
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[(int) length];
                in.readFully(payload);
                Frame frame = new Frame(first & 0x0F, payload);
                if (frame.opcode() == PING && answerPings) {
                    sendFrame(PONG, payload, true);
                    continue;
                }
                return frame;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next text frame's text. */
    public String readText() {
        Frame frame = readFrame();
        if (frame.opcode() != TEXT) {
            throw new AssertionError("expected a text frame, got opcode " + frame.opcode()
                    + (frame.opcode() == CLOSE ? " (close " + frame.closeCode() + " " + frame.closeReason() + ")" : ""));
        }
        return frame.text();
    }

    /**
     * Reads until the server's close frame and returns it, skipping any other frame still in the
     * pipe; fails if the connection ends without a close frame.
     */
    public Frame readUntilClose() {
        try {
            while (true) {
                Frame frame = readFrame();
                if (frame.opcode() == CLOSE) {
                    return frame;
                }
            }
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof EOFException || e.getCause() instanceof java.net.SocketException) {
                throw new AssertionError("the connection ended without a close frame", e);
            }
            throw e;
        }
    }

    /** The next frame, which must be the server's close with {@code code} and {@code reason}: nothing comes before it. */
    public void expectClose(int code, String reason) {
        Frame close = readFrame();
        assertEquals(CLOSE, close.opcode(), () -> "expected the close frame first, got opcode " + close.opcode()
                + (close.opcode() == TEXT ? ": " + close.text() : ""));
        assertEquals(code, close.closeCode());
        assertEquals(reason, close.closeReason());
    }

    /** Whether the server has closed the TCP connection (reads EOF within {@code millis}). */
    public boolean isDisconnectedWithin(int millis) {
        try {
            socket.setSoTimeout(millis);
            InputStream raw = socket.getInputStream();
            byte[] sink = new byte[8192];
            while (raw.read(sink) >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * Leaves cleanly: sends a close frame (1000), waits for the server's, then drops the socket with
     * a reset so that no TIME_WAIT is left behind on this side (tests that open very many
     * connections would otherwise run out of local ports).
     *
     * @return the server's close frame
     */
    public Frame closeHandshakeThenReset() {
        sendFrame(CLOSE, ByteBuffer.allocate(2).putShort((short) 1000).array(), true);
        Frame answer = readUntilClose();
        reset();
        return answer;
    }

    /** Vanishes without a close frame: the socket is closed with SO_LINGER 0, so the server sees a TCP reset. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
