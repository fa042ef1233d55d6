package org.socialvp.wschat.protocol;

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
    @JsonbSubtype(alias = "list", type = Event.NameList.class)
})
public sealed interface Event {

    /** The first frame of every connection. */
    @JsonbPropertyOrder({"message", "room"})
    record Init(String message, String room) implements Event {
    }

    /** The answer to a command: success or the reason it failed. */
    @JsonbPropertyOrder({"success", "code", "message"})
    record Outcome(boolean success, int code, String message) implements Event {

        public static Outcome of(OutcomeCode code) {
            return new Outcome(code.success(), code.code(), code.message());
        }

        public static Outcome of(OutcomeCode code, String message) {
            return new Outcome(code.success(), code.code(), message);
        }
    }

    /** A broadcast from {@code from}, delivered to every other identified client of the room. */
    @JsonbPropertyOrder({"from", "message"})
    record Broadcast(String from, JsonValue message) implements Event {
    }

    /** A direct message from {@code from}. */
    @JsonbPropertyOrder({"from", "message"})
    record Message(String from, JsonValue message) implements Event {
    }

    /** {@code who} identified in the room. */
    record Join(String who) implements Event {
    }

    /** {@code who} left the room (or gave up that name). */
    record Quit(String who) implements Event {
    }

    /** The identified names of the room, sorted. */
    record NameList(List<String> names) implements Event {
    }
}
