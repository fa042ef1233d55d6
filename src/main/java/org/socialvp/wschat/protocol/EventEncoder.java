package org.socialvp.wschat.protocol;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.spi.JsonbProvider;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.Encoder;

/**
 * Writes an {@link Event} as the JSON text of one frame, through JSON-B.
 *
 * <p>The broker calls it once per event — once per broadcast, however many receive it — and hands
 * the same text to every recipient's outbox. One {@link Jsonb} built on the WAR's one JSON-P
 * provider serves every thread (Jsonb instances are thread-safe); no provider is looked up per call.
 * The broker drives it itself, like {@link CommandDecoder}, so that one encoding serves every
 * recipient; {@link #destroy} releases the {@code Jsonb} when the broker stops.
 */
public final class EventEncoder implements Encoder.Text<Event> {

    private final Jsonb jsonb;

    public EventEncoder(JsonProvider provider) {
        this.jsonb = JsonbProvider.provider().create().withProvider(provider).build();
    }

    /**
     * The event as JSON text that every container can send and every client can read back.
     *
     * <p>A JSON string may hold a {@code "\\ud800"} escape with no pair: legal JSON (and what a
     * browser's {@code JSON.stringify} writes for a string with a broken emoji), but such a lone
     * surrogate is not text, and a container asked to send it as UTF-8 refuses the whole frame
     * (Tomcat: {@code IllegalArgumentException: MALFORMED}, after which the session can send
     * nothing more). JSON-B writes string characters as they are, so each lone surrogate is
     * written back here as the escape it arrived as. Only JSON strings can hold one, and the
     * escape means the same string, so the payload still arrives exactly as sent.
     */
    @Override
    public String encode(Event event) {
        return escapeLoneSurrogates(jsonb.toJson(event));
    }

    static String escapeLoneSurrogates(String json) {
        StringBuilder escaped = null;
        int copied = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                i++; // a pair: one code point, sent as it is
                continue;
            }
            if (escaped == null) {
                escaped = new StringBuilder(json.length() + 16);
            }
            escaped.append(json, copied, i).append(String.format("\\u%04x", (int) c));
            copied = i + 1;
        }
        return escaped == null ? json : escaped.append(json, copied, json.length()).toString();
    }

    @Override
    public void destroy() {
        try {
            jsonb.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not close JSON-B", e);
        }
    }
}
