package org.socialvp.wschat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WSChat client on the JDK's own WebSocket client ({@code java.net.http}), over a real socket.
 * Incoming text frames are queued in arrival order; {@link #next()} takes them one by one.
 */
public final class ChatClient implements AutoCloseable {

    /** How long any single expected frame or close may take before the test fails. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);

    /** The command that asks for the room's names. */
    public static final String LIST = "{\"command\":\"list\"}";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(PATIENCE).build();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private final JsonObject init;

    /** A close as this client saw it: the server's code and reason, or 1006 if the connection just broke. */
    public record Close(int code, String reason) {
    }

    private ChatClient(URI uri) {
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(PATIENCE)
                .buildAsync(uri, new Listener()).orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
        JsonObject first;
        try {
            first = next();
        } catch (AssertionError | RuntimeException none) {
            socket.abort();
            throw none;
        }
        if (!"init".equals(first.getString("type", null))) {
            socket.abort();
            fail("the first frame was not the init: " + first + "; then " + received);
        }
        this.init = first;
    }

    /** Connects and waits for the init frame. */
    public static ChatClient connect(URI uri) {
        return new ChatClient(uri);
    }

    /** Connects, waits for init and identifies; fails unless the name is granted. */
    public static ChatClient identified(URI uri, String name) {
        ChatClient client = connect(uri);
        JsonObject outcome = client.identify(name);
        assertEquals(300, outcome.getInt("code"), () -> name + ": " + outcome);
        return client;
    }

    public JsonObject init() {
        return init;
    }

    public void send(String text) {
        socket.sendText(text, true).orTimeout(PATIENCE.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends identify and returns the outcome. */
    public JsonObject identify(String name) {
        send(identifyCommand(name));
        return next("outcome");
    }

    /** The identify command for {@code name}. */
    public static String identifyCommand(String name) {
        return "{\"command\":\"identify\",\"name\":" + quote(name) + "}";
    }

    public void broadcast(String payloadJson) {
        send("{\"command\":\"broadcast\",\"message\":" + payloadJson + "}");
    }

    public void message(String to, String payloadJson) {
        send("{\"command\":\"message\",\"to\":" + quote(to) + ",\"message\":" + payloadJson + "}");
    }

    /** Asks for the room's names without waiting for the answer. */
    public void requestList() {
        send(LIST);
    }

    /** Asks for the room's names and returns them as listed; fails unless the very next frame is the list. */
    public List<String> list() {
        requestList();
        return next("list").getJsonArray("names").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    /**
     * The next frame, which must be an outcome with {@code code}, successful exactly when the code
     * is 300; returns it.
     */
    public JsonObject expectOutcome(int code) {
        return assertOutcome(next(), code);
    }

    /** The next frame, which must be the outcome {@code code} saying {@code message}; returns it. */
    public JsonObject expectOutcome(int code, String message) {
        return assertOutcome(next(), code, message);
    }

    /** The next frame, which must be outcome 400 with a message that begins with {@code reason}; returns it. */
    public JsonObject expectBadRequest(String reason) {
        JsonObject outcome = expectOutcome(400);
        assertTrue(outcome.getString("message").startsWith(reason), () -> "expected a 400 saying " + reason
                + "…, got " + outcome);
        return outcome;
    }

    /** {@code frame} must be an outcome with {@code code}, successful exactly when the code is 300. */
    public static JsonObject assertOutcome(JsonObject frame, int code) {
        assertEquals("outcome", frame.getString("type", null), () -> "expected an outcome, got " + frame);
        assertEquals(code, frame.getInt("code"), frame::toString);
        assertEquals(code == 300, frame.getBoolean("success"), frame::toString);
        return frame;
    }

    /** {@code frame} must be the outcome {@code code} saying {@code message}. */
    public static JsonObject assertOutcome(JsonObject frame, int code, String message) {
        assertOutcome(frame, code);
        assertEquals(message, frame.getString("message"), frame::toString);
        return frame;
    }

    /** The next frame, as raw text. */
    public String nextText() {
        try {
            String text = received.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (text == null) {
                fail("no frame within " + PATIENCE);
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame if one arrives within {@code wait}, else {@code null}. */
    public JsonObject poll(Duration wait) {
        try {
            String text = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            return text == null ? null : parse(text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame, parsed. */
    public JsonObject next() {
        return parse(nextText());
    }

    /** The next frame, which must be of {@code type}. */
    public JsonObject next(String type) {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type", null), () -> "expected a " + type + " frame, got " + frame);
        return frame;
    }

    /** The next frame that is not of {@code type}, the ones of that type before it taken and dropped. */
    public JsonObject nextSkipping(String type) {
        JsonObject frame = next();
        while (type.equals(frame.getString("type", null))) {
            frame = next();
        }
        return frame;
    }

    /**
     * Proves that nothing else is waiting for this client: asks for the list of names and requires
     * that the very next frame is that list. Works because the server answers in order.
     */
    public void expectNothingMore() {
        list();
    }

    /**
     * Floods: broadcasts {@code perBurst} copies of {@code payloadJson}, pauses for {@code pause},
     * and again, until the server closes this connection (or {@link #PATIENCE} is spent); returns
     * the close.
     */
    public Close broadcastUntilClosed(String payloadJson, int perBurst, Duration pause) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        try {
            while (!isClosed() && System.nanoTime() < deadline) {
                for (int i = 0; i < perBurst; i++) {
                    broadcast(payloadJson);
                }
                Thread.sleep(pause.toMillis());
            }
        } catch (RuntimeException closedUnderUs) {
            // a send failed: the server is closing the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return awaitClose();
    }

    /** Frames received and not yet taken. */
    public int pending() {
        return received.size();
    }

    /** Waits until the server closed this connection (or it broke). */
    public Close awaitClose() {
        try {
            return closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection not closed within " + PATIENCE, e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Closes normally (1000) and waits for the server's answer. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        try {
            closed.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            socket.abort();
        }
    }

    public static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    public static String quote(String text) {
        return Json.createValue(text).toString();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                received.add(parts.toString());
                parts.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}
