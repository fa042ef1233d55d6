package org.socialvp.wschat.protocol;

import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;

/**
 * A server → client frame. JSON-B writes the {@code "type"} key from the subtype alias, then the
 * record's components in the declared order; {@link EventEncoder} does the writing.
 */
@JsonbTypeInfo(key = "type", value = {
    @JsonbSubtype(alias = "init", type = Event.Init.class),
    @JsonbSubtype(alias = "outcome", type = Event.Outcome.class),
    @JsonbSubtype(alias = "broadcast", type = Event.Broadcast.class),
    @JsonbSubtype(alias = "message", type = Event.Message.class),
    @JsonbSubtype(alias = "join", type = Event.Join.class),
    @JsonbSubtype(alias = "quit", type = Event.Quit.class),
    @JsonbSubtype(alias = "list", type = Event.NameList.class),
    @JsonbSubtype(alias = "state", type = Event.State.class),
    @JsonbSubtype(alias = "time", type = Event.Time.class),
    @JsonbSubtype(alias = "presence", type = Event.PresenceBatch.class)
})
public sealed interface Event {

    /** The first frame of every connection, with the server's clock (milliseconds since the epoch). */
    @JsonbPropertyOrder({"message", "room", "time"})
    record Init(String message, String room, long time) implements Event {
    }

    /**
     * The answer to a command: success or the reason it failed. The fields after {@code message}
     * are written only where they apply (JSON-B leaves out {@code null}s): a session's
     * {@code name}, {@code session} and {@code resumeSeconds} on the 300 that opens it and on a 301.
     */
    @JsonbPropertyOrder({"success", "code", "message", "name", "session", "resumeSeconds", "version"})
    record Outcome(boolean success, int code, String message, String name, String session, Integer resumeSeconds,
            Long version) implements Event {

        public static Outcome of(OutcomeCode code) {
            return of(code, code.message());
        }

        public static Outcome of(OutcomeCode code, String message) {
            return new Outcome(code.success(), code.code(), message, null, null, null, null);
        }

        /** The 300 that opens a session: its token and how long it outlives a lost connection. */
        public static Outcome sessionOpened(String session, int resumeSeconds) {
            OutcomeCode code = OutcomeCode.IDENTIFIED;
            return new Outcome(code.success(), code.code(), code.message(), null, session, resumeSeconds, null);
        }

        /** The 301 of a resumed session: the name it holds, its token and window. */
        public static Outcome resumed(String name, String session, int resumeSeconds) {
            OutcomeCode code = OutcomeCode.RESUMED;
            return new Outcome(code.success(), code.code(), code.message(), name, session, resumeSeconds, null);
        }

        /** The 409 of a compare-and-set that found the key at another version. */
        public static Outcome stateChanged(long current) {
            OutcomeCode code = OutcomeCode.STATE_CHANGED;
            return new Outcome(code.success(), code.code(), code.message(), null, null, null, current);
        }
    }

    /**
     * One key of the room's state as written: its value ({@code null} once deleted), its version,
     * who wrote it and when (server milliseconds). Sent to every viewer of the room on each write,
     * the writer included, and to a newcomer for each key set. {@code server} is {@code true} for
     * a write by the site's backend (PROTOCOL.md §13), left out otherwise.
     */
    @JsonbPropertyOrder({"key", "value", "version", "from", "time", "server"})
    record State(String key, JsonValue value, long version, String from, long time, Boolean server)
            implements Event {

        /** A viewer's write. */
        public State(String key, JsonValue value, long version, String from, long time) {
            this(key, value, version, from, time, null);
        }
    }

    /** The server's clock: {@code t0} as the client sent it (left out if it sent none) and the server's milliseconds. */
    @JsonbPropertyOrder({"t0", "time"})
    record Time(JsonNumber t0, long time) implements Event {
    }

    /**
     * A broadcast from {@code from}, delivered to every other identified client of the room;
     * {@code server} as in {@link State}.
     */
    @JsonbPropertyOrder({"from", "message", "server"})
    record Broadcast(String from, JsonValue message, Boolean server) implements Event {

        /** A viewer's broadcast. */
        public Broadcast(String from, JsonValue message) {
            this(from, message, null);
        }
    }

    /** A direct message from {@code from}; {@code server} as in {@link State}. */
    @JsonbPropertyOrder({"from", "message", "server"})
    record Message(String from, JsonValue message, Boolean server) implements Event {

        /** A viewer's message. */
        public Message(String from, JsonValue message) {
            this(from, message, null);
        }
    }

    /** What the site's backend sends (PROTOCOL.md §13) carries {@code "server":true}; a viewer's has none. */
    static Boolean byServer(boolean server) {
        return server ? Boolean.TRUE : null;
    }

    /** {@code who} identified in the room. */
    record Join(String who) implements Event {
    }

    /** {@code who} left the room (or gave up that name). */
    record Quit(String who) implements Event {
    }

    /**
     * Who arrived and who left since the viewer's previous presence frame (or its 300), for a
     * viewer that asked for presence in batches (PROTOCOL.md §15).
     */
    @JsonbPropertyOrder({"joined", "left"})
    record PresenceBatch(List<String> joined, List<String> left) implements Event {
    }

    /** The identified names of the room, sorted. */
    record NameList(List<String> names) implements Event {
    }
}
