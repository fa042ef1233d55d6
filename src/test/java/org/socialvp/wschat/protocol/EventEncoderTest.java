package org.socialvp.wschat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.DecodeException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventEncoderTest {

    private final JsonProvider json = JsonProvider.provider();
    private final EventEncoder encoder = new EventEncoder(json);
    private final CommandDecoder decoder = new CommandDecoder(json, 64);

    @Test
    void initCarriesTheWelcomeAndTheRoom() {
        assertEquals("{\"type\":\"init\",\"message\":\"hi\",\"room\":\"lobby\"}",
                encoder.encode(new Event.Init("hi", "lobby")));
    }

    @Test
    void outcomesCarrySuccessCodeAndMessage() {
        assertEquals("{\"type\":\"outcome\",\"success\":true,\"code\":300,\"message\":\"Identified successfully!\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.IDENTIFIED)));
        assertEquals("{\"type\":\"outcome\",\"success\":false,\"code\":305,"
                + "\"message\":\"Client with that name already exists!\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.NAME_TAKEN)));
        assertEquals("{\"type\":\"outcome\",\"success\":false,\"code\":10,\"message\":\"Please identify yourself!\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.NOT_IDENTIFIED)));
        assertEquals("{\"type\":\"outcome\",\"success\":false,\"code\":404,"
                + "\"message\":\"No client with that name is currently connected!\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.NO_SUCH_CLIENT)));
        assertEquals("{\"type\":\"outcome\",\"success\":false,\"code\":429,\"message\":\"Too many messages\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.TOO_MANY_MESSAGES)));
        assertEquals("{\"type\":\"outcome\",\"success\":false,\"code\":400,\"message\":\"Missing 'to' field!\"}",
                encoder.encode(Event.Outcome.of(OutcomeCode.BAD_REQUEST, "Missing 'to' field!")));
    }

    @Test
    void broadcastAndMessageCarrySenderAndPayload() {
        JsonValue payload = json.createObjectBuilder().add("action", "play").add("at", 3).build();
        assertEquals("{\"type\":\"broadcast\",\"from\":\"alice\",\"message\":{\"action\":\"play\",\"at\":3}}",
                encoder.encode(new Event.Broadcast("alice", payload)));
        assertEquals("{\"type\":\"message\",\"from\":\"alice\",\"message\":{\"action\":\"play\",\"at\":3}}",
                encoder.encode(new Event.Message("alice", payload)));
    }

    @Test
    void aNullPayloadIsWrittenAsNull() {
        assertEquals("{\"type\":\"broadcast\",\"from\":\"a\",\"message\":null}",
                encoder.encode(new Event.Broadcast("a", JsonValue.NULL)));
    }

    @Test
    void presenceEvents() {
        assertEquals("{\"type\":\"join\",\"who\":\"bob\"}", encoder.encode(new Event.Join("bob")));
        assertEquals("{\"type\":\"quit\",\"who\":\"bob\"}", encoder.encode(new Event.Quit("bob")));
        assertEquals("{\"type\":\"list\",\"names\":[\"alice\",\"bob\"]}",
                encoder.encode(new Event.NameList(List.of("alice", "bob"))));
        assertEquals("{\"type\":\"list\",\"names\":[]}", encoder.encode(new Event.NameList(List.of())));
    }

    @Test
    void namesAndTextAreEscaped() {
        assertEquals("{\"type\":\"quit\",\"who\":\"a\\\"b\\\\c\"}", encoder.encode(new Event.Quit("a\"b\\c")));
    }

    @Test
    void aDecodedPayloadIsRelayedDigitForDigit() throws DecodeException {
        String payload = "{\"big\":12345678901234567890123,\"pi\":3.14159265358979323846264338327950288,"
                + "\"e\":1e5,\"neg\":-0,\"s\":\"é\",\"a\":[1.50,true,null]}";
        Command.Broadcast command = (Command.Broadcast) decoder.decode(
                "{\"command\":\"broadcast\",\"message\":" + payload + "}");
        assertEquals("{\"type\":\"broadcast\",\"from\":\"alice\",\"message\":" + payload + "}",
                encoder.encode(new Event.Broadcast("alice", command.message())));
    }
}
