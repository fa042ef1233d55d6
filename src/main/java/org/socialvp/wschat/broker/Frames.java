package org.socialvp.wschat.broker;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.EventEncoder;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * Events as frames: each event encoded once, the fixed outcomes encoded once for the life of the
 * broker.
 */
final class Frames {

    static final String WELCOME = "Welcome to WSChat! Identify yourself to start.";

    private final EventEncoder encoder;
    private final Map<OutcomeCode, Frame.Encoded> outcomes = new EnumMap<>(OutcomeCode.class);
    private final Frame.Encoded tooManyBytes;

    Frames(JsonProvider json) {
        encoder = new EventEncoder(json);
        for (OutcomeCode code : OutcomeCode.values()) {
            outcomes.put(code, encode(Event.Outcome.of(code)));
        }
        tooManyBytes = encode(Event.Outcome.of(OutcomeCode.TOO_MANY_MESSAGES, "Too many bytes per second"));
        warmUp();
    }

    Frame.Encoded encode(Event event) {
        return Frame.of(encoder.encode(event));
    }

    /** The outcome with its standard text. */
    Frame.Encoded outcome(OutcomeCode code) {
        return outcomes.get(code);
    }

    /** The init frame of a connection to {@code room}, with the server's clock now. */
    Frame.Encoded init(String room) {
        return encode(new Event.Init(WELCOME, room, System.currentTimeMillis()));
    }

    /** The 429 for the byte rate limit. */
    Frame.Encoded tooManyBytes() {
        return tooManyBytes;
    }

    /** Releases the JSON-B instance. */
    void close() {
        encoder.destroy();
    }

    /**
     * JSON-B builds its model of a type on first use, which takes milliseconds: do it now for every
     * event type rather than while the first viewers wait.
     */
    private void warmUp() {
        JsonValue sample = JsonValue.EMPTY_JSON_OBJECT;
        encode(new Event.Init(WELCOME, "lobby", 0));
        encode(new Event.State("lobby", sample, 1, "lobby", 0));
        encode(new Event.Time(null, 0));
        encode(new Event.Broadcast("lobby", sample));
        encode(new Event.Message("lobby", sample));
        encode(new Event.Join("lobby"));
        encode(new Event.Quit("lobby"));
        encode(new Event.NameList(List.of("lobby")));
    }
}
