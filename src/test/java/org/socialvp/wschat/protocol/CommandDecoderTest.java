package org.socialvp.wschat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.DecodeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandDecoderTest {

    private static final int MAX_DEPTH = 64;
    private final CommandDecoder decoder = new CommandDecoder(JsonProvider.provider(), MAX_DEPTH);

    @Test
    void identifyCarriesTheName() throws DecodeException {
        assertEquals(new Command.Identify("alice"), decoder.decode("{\"command\":\"identify\",\"name\":\"alice\"}"));
    }

    @Test
    void broadcastCarriesThePayload() throws DecodeException {
        Command command = decoder.decode("{\"command\":\"broadcast\",\"message\":{\"action\":\"seek\",\"t\":12.5}}");
        Command.Broadcast broadcast = assertInstanceOf(Command.Broadcast.class, command);
        assertEquals("{\"action\":\"seek\",\"t\":12.5}", broadcast.message().toString());
    }

    @Test
    void messageCarriesRecipientAndPayload() throws DecodeException {
        Command command = decoder.decode("{\"command\":\"message\",\"to\":\"bob\",\"message\":[1,\"two\",true,null]}");
        Command.Message message = assertInstanceOf(Command.Message.class, command);
        assertEquals("bob", message.to());
        assertEquals("[1,\"two\",true,null]", message.message().toString());
    }

    @Test
    void listNeedsNoFields() throws DecodeException {
        assertEquals(new Command.ListNames(), decoder.decode("{\"command\":\"list\"}"));
    }

    @Test
    void unknownExtraFieldsAreIgnored() throws DecodeException {
        assertEquals(new Command.Identify("al"), decoder.decode("{\"command\":\"identify\",\"name\":\"al\",\"x\":[{}]}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "[1,2]", "\"text\"", "42", "-0", "true", "false", "null", "{}", "[]", "\"\""})
    void everyKindOfJsonValueIsAPayload(String payload) throws DecodeException {
        Command command = decoder.decode("{\"command\":\"broadcast\",\"message\":" + payload + "}");
        assertEquals(payload, ((Command.Broadcast) command).message().toString());
    }

    @Test
    void aNullPayloadIsAPayloadNotAMissingField() throws DecodeException {
        Command command = decoder.decode("{\"command\":\"broadcast\",\"message\":null}");
        assertEquals(JsonValue.NULL, ((Command.Broadcast) command).message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345678901234567890123", "3.14159265358979323846264338327950288", "1e5", "1E+5",
        "-0", "0.0000001", "-12.50", "2e-7"})
    void numbersKeepEveryDigitAndTheirSpelling(String number) throws DecodeException {
        Command command = decoder.decode("{\"command\":\"message\",\"to\":\"b\",\"message\":{\"n\":" + number + "}}");
        assertEquals("{\"n\":" + number + "}", ((Command.Message) command).message().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|Missing 'command' field!",
        "{\"name\":\"alice\"}|Missing 'command' field!",
        "{\"command\":42}|Field 'command' must be a string",
        "{\"command\":null}|Field 'command' must be a string",
        "{\"command\":[\"identify\"]}|Field 'command' must be a string",
        "{\"command\":\"dance\"}|Unknown command 'dance'",
        "{\"command\":\"identify\"}|Missing 'name' field!",
        "{\"command\":\"identify\",\"name\":7}|Field 'name' must be a string",
        "{\"command\":\"identify\",\"name\":null}|Field 'name' must be a string",
        "{\"command\":\"identify\",\"name\":{}}|Field 'name' must be a string",
        "{\"command\":\"broadcast\"}|Missing 'message' field!",
        "{\"command\":\"message\",\"message\":1}|Missing 'to' field!",
        "{\"command\":\"message\",\"to\":\"bob\"}|Missing 'message' field!",
        "{\"command\":\"message\",\"to\":7,\"message\":1}|Field 'to' must be a string",
        "{\"command\":\"message\",\"to\":null,\"message\":1}|Field 'to' must be a string",
        "[1,2]|Message must be a JSON object",
        "\"x\"|Message must be a JSON object",
        "42|Message must be a JSON object",
        "null|Message must be a JSON object",
    })
    void badShapesAreRefusedWithTheReason(String text, String reason) {
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(text));
        assertEquals(reason, refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "{", "{\"command\":", "{\"command\":\"list\"", "{\"command\":\"list\"}}",
        "{\"command\":\"list\"} {}", "{'command':'list'}", "{\"command\":\"list\",}", "{\"a\":01}", "{\"a\":NaN}"})
    void textThatIsNotOneJsonObjectIsRefused(String text) {
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(text));
        assertTrue(refused.getMessage().startsWith("Message"), refused.getMessage());
    }

    @Test
    void wholeNumbersPastWhatALongHoldsAreTheLargestCountNotAWrongType() throws DecodeException {
        for (String huge : List.of("9223372036854775807", "9223372036854775808", "99999999999999999999999", "1e400")) {
            assertEquals(new Command.Resume("s", Long.MAX_VALUE), decoder.decode(resume(huge)), huge);
            assertEquals(Long.MAX_VALUE, ((Command.State) decoder.decode(
                    "{\"command\":\"state\",\"key\":\"k\",\"value\":1,\"ifVersion\":" + huge + "}")).ifVersion(), huge);
        }
        assertEquals(new Command.Resume("s", 9223372036854775806L), decoder.decode(resume("9223372036854775806")));
        assertEquals(new Command.Resume("s", 20), decoder.decode(resume("2e1")));
        assertEquals(new Command.Resume("s", 3), decoder.decode(resume("3.000")));
        for (String notACount : List.of("-1", "1.5", "-99999999999999999999999", "1e-400", "\"3\"")) {
            DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(resume(notACount)), notACount);
            assertEquals("Field 'last' must be a whole number of zero or more", refused.getMessage());
        }
    }

    private static String resume(String last) {
        return "{\"command\":\"resume\",\"session\":\"s\",\"last\":" + last + "}";
    }

    @Test
    void anUnknownCommandIsEchoedShortened() {
        String longName = "x".repeat(1000);
        DecodeException refused = assertThrows(DecodeException.class,
                () -> decoder.decode("{\"command\":\"" + longName + "\"}"));
        assertEquals("Unknown command '" + "x".repeat(64) + "…'", refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "Alice Smith", "ümlaut", "名前", "😀"})
    void validNamesAreAccepted(String name) throws DecodeException {
        assertEquals(new Command.Identify(name), decoder.decode(identify(name)));
    }

    @Test
    void aNameMayHaveSixtyFourCodePointsEvenOutsideTheBasicPlane() throws DecodeException {
        String name = "😀".repeat(64); // 128 UTF-16 chars
        assertEquals(new Command.Identify(name), decoder.decode(identify(name)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|Name must be 1 to 64 characters long",
        "'   '|Name must not be blank",
        "'\\t'|Name must not be blank",
        "'a\\nb'|Name must not contain control characters",
        "'a\\u0000'|Name must not contain control characters",
        "'a\\u007f'|Name must not contain control characters",
        "'a\\u0085'|Name must not contain control characters",
        "'\\ud800x'|Name must be valid Unicode text: it contains a lone surrogate",
        "'x\\udc00'|Name must be valid Unicode text: it contains a lone surrogate",
        "'\\u00a0'|Name must not be blank",
        "'\\u2007\\u202f'|Name must not be blank",
        "'\\u3000'|Name must not be blank",
        "'\\u200b'|Name must not be blank",
        "'\\ufeff'|Name must not be blank",
        "'\\u2060\\u00ad'|Name must not be blank",
        "'\\u3164'|Name must not be blank",
        "'\\u2800'|Name must not be blank",
        "'\\u200d\\ufe0f'|Name must not be blank",
        "'\\u202e'|Name must not be blank",
        "'ali\\u202ece'|Name must not contain bidirectional controls (U+202E)",
        "'a\\u2066b\\u2069'|Name must not contain bidirectional controls (U+2066)",
        "'alice\\u200f'|Name must not contain bidirectional controls (U+200F)",
        "'ali\\u200bce'|Name must not contain invisible characters (U+200B)",
        "'\\ufeffalice'|Name must not contain invisible characters (U+FEFF)",
        "'bob\\u3164'|Name must not contain invisible characters (U+3164)",
        "'a\\u2028b'|Name must not contain control characters",
    })
    void invalidNamesAreRefused(String jsonEscapedName, String reason) {
        DecodeException refused = assertThrows(DecodeException.class,
                () -> decoder.decode("{\"command\":\"identify\",\"name\":\"" + jsonEscapedName + "\"}"));
        assertEquals(reason, refused.getMessage());
    }

    @Test
    void namesAreComparedInNormalizationFormC() throws DecodeException {
        // "é" written as e + combining acute accent arrives as the single code point.
        assertEquals(new Command.Identify("Ren\u00e9"), decoder.decode(identify("Rene\u0301")));
        assertEquals("Ren\u00e9", ((Command.Message) decoder.decode(
                "{\"command\":\"message\",\"to\":\"Rene\u0301\",\"message\":1}")).to());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob smith", "bob\u00a0smith", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
        "\u2764\ufe0f", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u05e9\u05dc\u05d5\u05dd"})
    void visibleNamesWithSpacesJoinersAndOtherScriptsAreAccepted(String name) throws DecodeException {
        assertEquals(new Command.Identify(name), decoder.decode(identify(name)));
    }

    @Test
    void aNameOfSixtyFiveCharactersIsRefused() {
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(identify("a".repeat(65))));
        assertEquals("Name must be 1 to 64 characters long", refused.getMessage());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() throws DecodeException {
        // The frame's own object is level 1, so the payload may open 63 more.
        String payload = "[".repeat(MAX_DEPTH - 1) + "]".repeat(MAX_DEPTH - 1);
        assertEquals(payload, ((Command.Broadcast) decoder.decode(broadcast(payload))).message().toString());
    }

    @Test
    void nestingBeyondTheLimitIsRefused() {
        String payload = "[".repeat(MAX_DEPTH) + "]".repeat(MAX_DEPTH);
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(broadcast(payload)));
        assertTrue(refused.getMessage().contains("nested"), refused.getMessage());
    }

    @Test
    void aHundredThousandLevelsDeepAreRefusedWithoutRecursion() {
        String payload = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThrows(DecodeException.class, () -> decoder.decode(broadcast(payload))));
        String arrays = "[".repeat(100_000);
        assertThrows(DecodeException.class, () -> decoder.decode(broadcast(arrays)));
    }

    @Test
    void aNumberWithAnAbsurdExponentIsRefused() {
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decode(broadcast("1e999999999")));
        assertTrue(refused.getMessage().startsWith("Number out of range"), refused.getMessage());
        assertThrows(DecodeException.class, () -> decoder.decode(broadcast("[1.5E-100001]")));
    }

    @Test
    void aTenThousandDigitNumberIsRefused() {
        DecodeException refused = assertThrows(DecodeException.class,
                () -> decoder.decode(broadcast("1" + "0".repeat(9_999))));
        assertTrue(refused.getMessage().startsWith("Number too long"), refused.getMessage());
    }

    @Test
    void largeButSaneNumbersPass() throws DecodeException {
        String number = "9".repeat(1000) + "e100000";
        assertEquals(number, ((Command.Broadcast) decoder.decode(broadcast(number))).message().toString());
    }

    private static String identify(String name) {
        return "{\"command\":\"identify\",\"name\":\"" + name + "\"}";
    }

    private static String broadcast(String payload) {
        return "{\"command\":\"broadcast\",\"message\":" + payload + "}";
    }
}
