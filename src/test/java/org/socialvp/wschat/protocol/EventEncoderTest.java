package org.socialvp.wschat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.DecodeException;
import java.io.StringReader;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventEncoderTest {

    private final JsonProvider json = JsonProvider.provider();
    private final EventEncoder encoder = new EventEncoder(json);
    private final CommandDecoder decoder = new CommandDecoder(json, 64);

    @Test
    void initCarriesTheWelcomeAndTheRoom() {
        assertEquals("{\"type\":\"init\",\"message\":\"hi\",\"room\":\"lobby\",\"time\":1764547200123}",
                encoder.encode(new Event.Init("hi", "lobby", 1764547200123L)));
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

    @ParameterizedTest
    @ValueSource(strings = {"\"\\ud800\"", "\"a\\udc00b\"", "{\"\\ud800\":1}", "[[\"x\",[\"\\udbff\"]]]",
        "\"\\ud83d\\ude00 and \\ud83d\"", "{\"k\\udfff\":\"\\ud800\\ud800\"}"})
    void loneSurrogatesAreWrittenBackAsEscapesSoThatEveryContainerCanSendTheFrame(String payload)
            throws DecodeException, CharacterCodingException {
        Command.Broadcast command = (Command.Broadcast) decoder.decode(
                "{\"command\":\"broadcast\",\"message\":" + payload + "}");
        String frame = encoder.encode(new Event.Broadcast("alice", command.message()));
        // What a container does with a text frame: encode it as UTF-8, refusing malformed input.
        StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(frame));
        JsonValue relayed = json.createReader(new StringReader(frame)).readObject().get("message");
        assertEquals(command.message(), relayed, "the receiver reads back the very payload");
    }

    @Test
    void wellFormedTextIsLeftAsItIs() {
        String text = "{\"who\":\"\ud83d\ude00 caf\u00e9\"}";
        assertSame(text, EventEncoder.escapeLoneSurrogates(text));
        assertEquals("{\"who\":\"a\\ud800b\"}", EventEncoder.escapeLoneSurrogates("{\"who\":\"a\ud800b\"}"));
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
