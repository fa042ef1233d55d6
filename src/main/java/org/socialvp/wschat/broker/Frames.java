package org.socialvp.wschat.broker;

import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.EnumMap;
import java.util.HashMap;
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

    /** A join or quit, as another server's frame says it. */
    record Presence(String name, boolean joined) {
    }

    private final EventEncoder encoder;
    private final JsonProvider json;
    /** How every encoded join and quit begins, up to the name (this encoder writes them all alike). */
    private final String joinPrefix;
    private final String quitPrefix;
    /** How a presence frame begins up to its first joined name, goes on to the left ones, and ends. */
    private final String presenceStart;
    private final String presenceMiddle;
    private final String presenceEnd;
    private final Map<OutcomeCode, Frame.Encoded> outcomes = new EnumMap<>(OutcomeCode.class);
    private final Frame.Encoded tooManyBytes;

    Frames(JsonProvider json) {
        encoder = new EventEncoder(json);
        this.json = json;
        joinPrefix = prefixOf(encoder.encode(new Event.Join("x")));
        quitPrefix = prefixOf(encoder.encode(new Event.Quit("x")));
        String presence = encoder.encode(new Event.PresenceBatch(List.of("x"), List.of("y")));
        presenceStart = presence.substring(0, presence.indexOf("\"x\""));
        presenceMiddle = presence.substring(presence.indexOf("\"x\"") + 3, presence.indexOf("\"y\""));
        presenceEnd = presence.substring(presence.indexOf("\"y\"") + 3);
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

    /**
     * The join or quit that {@code frame}, relayed from another server, is; {@code null} for any
     * other frame (told apart by their start, so that other frames are not parsed).
     */
    Presence presenceChange(String frame) {
        boolean joined = frame.startsWith(joinPrefix);
        if (!joined && !frame.startsWith(quitPrefix)) {
            return null;
        }
        try (JsonReader reader = json.createReader(new StringReader(frame))) {
            return new Presence(reader.readObject().getString("who"), joined);
        }
    }

    /** {@code {"type":"join","who":} of a join encoded with the name {@code x}. */
    private static String prefixOf(String encoded) {
        return encoded.substring(0, encoded.lastIndexOf("\"x\""));
    }

    /** A writer of one batch's presence frames: see {@link PresenceFrames}. */
    PresenceFrames presenceFrames() {
        return new PresenceFrames();
    }

    /**
     * The presence frames of one batch (PROTOCOL.md §15), put together by hand from names encoded
     * once each. A room that fills within one batch interval sends each newcomer the names that came
     * after it: n frames holding n²/2 names in all, the largest frames the broker writes. Each name
     * is encoded here once per batch, by the encoder (as the string of a {@code join}), and each
     * frame is that text in the encoder's own frame around it, the same text the encoder would write
     * for the whole frame (a test compares the two) at a fraction of the work. All the escaping,
     * lone surrogates included, is the encoder's; the text around the names is its own, ASCII. One
     * batch's, on one thread.
     */
    final class PresenceFrames {

        private final Map<String, String> encodedNames = new HashMap<>();

        private PresenceFrames() {
        }

        Frame.Encoded of(Event.PresenceBatch batch) {
            StringBuilder frame = new StringBuilder(presenceStart);
            appendNames(frame, batch.joined());
            frame.append(presenceMiddle);
            appendNames(frame, batch.left());
            return Frame.of(frame.append(presenceEnd).toString());
        }

        private void appendNames(StringBuilder frame, List<String> names) {
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    frame.append(',');
                }
                frame.append(encodedNames.computeIfAbsent(names.get(i), this::encodedName));
            }
        }

        /** {@code name} as a JSON string, quotes included, as the encoder writes it in a join. */
        private String encodedName(String name) {
            String join = encoder.encode(new Event.Join(name));
            return join.substring(joinPrefix.length(), join.length() - 1);
        }
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
