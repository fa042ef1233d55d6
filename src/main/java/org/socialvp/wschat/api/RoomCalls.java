package org.socialvp.wschat.api;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletResponse;
import java.text.Normalizer;
import org.socialvp.wschat.broker.ServerApi;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.NameRules;

/**
 * The server API's calls on one room (PROTOCOL.md §13), each from checked inputs to its JSON
 * answer or an {@link ApiError}. The broker's side of each is {@link ServerApi}.
 */
final class RoomCalls {

    private final ServerApi api;
    private final JsonProvider json;

    RoomCalls(ServerApi api, JsonProvider json) {
        this.api = api;
        this.json = json;
    }

    /** {@code GET rooms/{room}}: its names and state. */
    JsonObject show(String room) {
        ServerApi.RoomView view = api.room(room);
        JsonObjectBuilder state = json.createObjectBuilder();
        for (Event.State key : view.state()) {
            JsonObjectBuilder entry = json.createObjectBuilder()
                    .add("value", key.value())
                    .add("version", key.version())
                    .add("from", key.from())
                    .add("time", key.time());
            if (Boolean.TRUE.equals(key.server())) {
                entry.add("server", true);
            }
            state.add(key.key(), entry);
        }
        return json.createObjectBuilder()
                .add("room", room)
                .add("names", json.createArrayBuilder(view.names()))
                .add("state", state)
                .build();
    }

    /** {@code POST rooms/{room}/broadcast}: to everyone in the room. */
    JsonObject broadcast(String room, JsonValue body) throws ApiError {
        Send send = send(body);
        return json.createObjectBuilder().add("recipients", api.broadcast(room, send.message(), send.from())).build();
    }

    /** {@code POST rooms/{room}/message/{name}}: to one viewer. */
    JsonObject message(String room, String name, JsonValue body) throws ApiError {
        Send send = send(body);
        if (!api.message(room, viewer(name), send.message(), send.from())) {
            throw noViewer(room, name);
        }
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    /** {@code PUT rooms/{room}/state/{key}}: the body is the value; {@code If-Match} makes it a compare-and-set. */
    JsonObject writeState(String room, String key, JsonValue value, String ifMatch) throws ApiError {
        String checkedKey;
        try {
            checkedKey = NameRules.check(key, "Key");
        } catch (NameRules.InvalidName e) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
        ServerApi.StateAnswer answer = api.writeState(room, checkedKey, value, version(ifMatch));
        return switch (answer.result()) {
            case WRITTEN -> json.createObjectBuilder().add("version", answer.version()).build();
            case CHANGED -> throw new ApiError(HttpServletResponse.SC_PRECONDITION_FAILED, "State changed",
                    body -> body.add("version", answer.version()));
            case TOO_LARGE -> throw new ApiError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, answer.why());
            case NO_ROOM -> throw new ApiError(HttpServletResponse.SC_NOT_FOUND,
                    "Nobody is in room '" + room + "': its state lives with its viewers");
        };
    }

    /** {@code DELETE rooms/{room}/viewers/{name}}: closed with 1008 removed. */
    JsonObject remove(String room, String name) throws ApiError {
        if (!api.remove(room, viewer(name))) {
            throw noViewer(room, name);
        }
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    /** What a broadcast or message body says: the message, and who it is from. */
    private record Send(JsonValue message, String from) {
    }

    private static Send send(JsonValue body) throws ApiError {
        if (!(body instanceof JsonObject object)) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Body must be a JSON object with a 'message'");
        }
        JsonValue message = object.get("message");
        if (message == null) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Missing 'message' field");
        }
        JsonValue from = object.get("from");
        if (from == null) {
            return new Send(message, ServerApi.DEFAULT_FROM);
        }
        if (!(from instanceof JsonString fromText)) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, "Field 'from' must be a string");
        }
        try {
            return new Send(message, NameRules.check(fromText.getString(), "From"));
        } catch (NameRules.InvalidName e) {
            throw new ApiError(HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
        }
    }

    /** {@code If-Match}: a version, bare or quoted as an entity tag; {@code null} if absent. */
    private static Long version(String ifMatch) throws ApiError {
        if (ifMatch == null) {
            return null;
        }
        String tag = ifMatch.trim();
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        try {
            long version = Long.parseLong(tag);
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ApiError(HttpServletResponse.SC_BAD_REQUEST,
                "If-Match must be a version: a whole number of zero or more, e.g. 3 or \"3\"");
    }

    /** Names are compared in NFC, as the endpoint compares them. */
    private static String viewer(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    private static ApiError noViewer(String room, String name) {
        return new ApiError(HttpServletResponse.SC_NOT_FOUND, "Nobody called '" + name + "' is in room '" + room + "'");
    }
}
