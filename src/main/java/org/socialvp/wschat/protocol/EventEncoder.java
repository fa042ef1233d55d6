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
 */
public final class EventEncoder implements Encoder.Text<Event> {

    private final Jsonb jsonb;

    public EventEncoder(JsonProvider provider) {
        this.jsonb = JsonbProvider.provider().create().withProvider(provider).build();
    }

    @Override
    public String encode(Event event) {
        return jsonb.toJson(event);
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
