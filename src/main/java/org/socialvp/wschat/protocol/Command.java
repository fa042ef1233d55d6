package org.socialvp.wschat.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/**
 * A client → server frame, as {@link CommandDecoder} produced it: every field present, of the
 * right type and valid. The payload of a send is kept as the {@link JsonValue} that arrived.
 */
public sealed interface Command {

    /**
     * {@code {"command":"identify","name":…}}: claim (or change to) a name; with
     * {@code "resume":true}, also open a session that outlives the connection (PROTOCOL.md §9);
     * with {@code "token":…}, the site's word that this viewer may (PROTOCOL.md §12); with
     * {@code "presence":"batched"}, presence in batches instead of one {@code join}/{@code quit}
     * each (PROTOCOL.md §15).
     *
     * @param token the token as sent, {@code null} if none
     */
    record Identify(String name, boolean resume, String token, boolean batchedPresence) implements Command {

        /** A plain identify, as 2013 clients send it. */
        public Identify(String name) {
            this(name, false, null, false);
        }
    }

    /** {@code {"command":"resume","session":…,"last":…}}: carry on a session after a lost connection. */
    record Resume(String session, long last) implements Command {
    }

    /** {@code {"command":"broadcast","message":…}}: to every other identified client of the room. */
    record Broadcast(JsonValue message) implements Command {
    }

    /** {@code {"command":"message","to":…,"message":…}}: to one identified client of the room. */
    record Message(String to, JsonValue message) implements Command {
    }

    /** {@code {"command":"list"}}: the identified names of the room. */
    record ListNames() implements Command {
    }

    /**
     * {@code {"command":"state","key":…,"value":…}}: sets one key of the room's state, or deletes
     * it ({@code value} JSON {@code null}); with {@code ifVersion}, only if the key is still at that
     * version (PROTOCOL.md §10).
     *
     * @param ifVersion the version the key must have, or {@code null} for an unconditional write
     */
    record State(String key, JsonValue value, Long ifVersion) implements Command {
    }

    /** {@code {"command":"time","t0":…}}: the server's clock, {@code t0} (any JSON number, or {@code null}) echoed. */
    record Time(JsonNumber t0) implements Command {
    }
}
