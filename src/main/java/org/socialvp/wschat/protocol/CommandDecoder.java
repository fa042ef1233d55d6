package org.socialvp.wschat.protocol;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import java.io.StringReader;
import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Map;

/**
 * Turns one client text frame into a {@link Command}, or a {@link DecodeException} whose message is
 * the human text of the 400 outcome ("Missing 'to' field!", "Unknown command 'dance'", …).
 *
 * <p>Hostile input is stopped before anything recursive goes deep: {@link #readValue} recurses
 * once per nesting level and refuses level {@code maxDepth + 1}, and the parser factory carries
 * Parsson's own depth limit in its config map one level above that as a backstop, so a
 * 100,000-deep document fails after 65 levels while streaming. Numbers are checked as text and kept as text ({@link LiteralNumber});
 * no {@code BigDecimal} is ever built from a 10,000-digit literal.
 *
 * <p>Stateless apart from the factory: one instance serves every connection concurrently.
 *
 * <p>A JSON-B-style {@link Decoder} that the container does not call: registered with an endpoint,
 * it would be handed whole messages only, and the broker takes text in small parts (so that an
 * idle connection's buffer stays small) and assembles each message itself before decoding it here.
 */
public final class CommandDecoder implements Decoder.Text<Command> {

    /** Longest number literal accepted; Parsson's own default for BigDecimal sources. */
    public static final int MAX_NUMBER_LENGTH = 1100;
    /** Largest decimal exponent accepted; Parsson's own default BigInteger scale limit. */
    public static final int MAX_NUMBER_EXPONENT = 100_000;
    /** Longest command name echoed back in an "Unknown command" outcome. */
    private static final int MAX_ECHOED_COMMAND = 64;
    /** From here on a whole number counts as {@link Long#MAX_VALUE} (see {@link #count}). */
    private static final BigDecimal LARGEST_COUNT = BigDecimal.valueOf(Long.MAX_VALUE);

    private final JsonProvider provider;
    private final JsonParserFactory parserFactory;
    private final int maxDepth;

    /**
     * @param provider the WAR's one JSON-P provider
     * @param maxDepth the deepest nesting accepted, counting the frame's own object as 1
     */
    public CommandDecoder(JsonProvider provider, int maxDepth) {
        this.provider = provider;
        this.maxDepth = maxDepth;
        // Parsson refuses depth >= its maxDepth; ours refuses depth > maxDepth first, with a clear message.
        this.parserFactory = provider.createParserFactory(Map.of(
                "org.eclipse.parsson.maxDepth", maxDepth + 2,
                "org.eclipse.parsson.maxBigDecimalLength", MAX_NUMBER_LENGTH,
                "org.eclipse.parsson.maxBigIntegerScale", MAX_NUMBER_EXPONENT));
    }

    @Override
    public boolean willDecode(String text) {
        return true;
    }

    @Override
    public Command decode(String text) throws DecodeException {
        return toCommand(text, parse(text));
    }

    /**
     * Any one JSON value, as the server API's request bodies are, under the same guards as a
     * command: a body's outermost array or object counts as level 1.
     *
     * @throws DecodeException whose message says what is wrong
     */
    public JsonValue decodeValue(String text) throws DecodeException {
        return parse(text, parser -> {
            if (!parser.hasNext()) {
                throw invalid(text, "Body is empty: it must be a JSON value");
            }
            JsonValue value = readValue(text, parser, parser.next(), 0);
            if (parser.hasNext()) {
                throw invalid(text, "Body must be a single JSON value");
            }
            return value;
        });
    }

    private JsonObject parse(String text) throws DecodeException {
        return parse(text, parser -> {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw invalid(text, "Message must be a JSON object");
            }
            JsonObject frame = readObject(text, parser, 1);
            if (parser.hasNext()) {
                throw invalid(text, "Message must be a single JSON object");
            }
            return frame;
        });
    }

    /** How one text is read: what it must be, from the parser's first event on. */
    private interface Reading<T> {
        T read(JsonParser parser) throws DecodeException;
    }

    private <T> T parse(String text, Reading<T> reading) throws DecodeException {
        try (JsonParser parser = parserFactory.createParser(new StringReader(text))) {
            return reading.read(parser);
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            throw invalid(text, "Message is not valid JSON (line " + at.getLineNumber()
                    + ", column " + at.getColumnNumber() + ")");
        } catch (RuntimeException e) {
            // Parsson's backstop limits surface as plain runtime exceptions.
            throw invalid(text, "Message is not valid JSON: " + e.getMessage());
        }
    }

    /** Reads the members of an object whose START_OBJECT, at nesting level {@code depth}, was just read. */
    private JsonObject readObject(String text, JsonParser parser, int depth) throws DecodeException {
        JsonObjectBuilder object = provider.createObjectBuilder();
        for (JsonParser.Event event = parser.next(); event != JsonParser.Event.END_OBJECT; event = parser.next()) {
            String key = parser.getString();
            object.add(key, readValue(text, parser, parser.next(), depth));
        }
        return object.build();
    }

    /** Reads the value that {@code event} starts, inside a container at nesting level {@code depth}. */
    private JsonValue readValue(String text, JsonParser parser, JsonParser.Event event, int depth)
            throws DecodeException {
        switch (event) {
            case START_OBJECT:
                return readObject(text, parser, deeper(text, depth));
            case START_ARRAY:
                int level = deeper(text, depth);
                JsonArrayBuilder array = provider.createArrayBuilder();
                for (JsonParser.Event item = parser.next(); item != JsonParser.Event.END_ARRAY; item = parser.next()) {
                    array.add(readValue(text, parser, item, level));
                }
                return array.build();
            case VALUE_STRING:
                return provider.createValue(parser.getString());
            case VALUE_NUMBER:
                return number(text, parser.getString());
            case VALUE_TRUE:
                return JsonValue.TRUE;
            case VALUE_FALSE:
                return JsonValue.FALSE;
            case VALUE_NULL:
                return JsonValue.NULL;
            default:
                throw invalid(text, "Message is not valid JSON");
        }
    }

    private int deeper(String text, int depth) throws DecodeException {
        if (depth >= maxDepth) {
            throw invalid(text, "Message is nested deeper than " + maxDepth + " levels");
        }
        return depth + 1;
    }

    private static JsonValue number(String text, String literal) throws DecodeException {
        if (literal.length() > MAX_NUMBER_LENGTH) {
            throw invalid(text, "Number too long: more than " + MAX_NUMBER_LENGTH + " characters");
        }
        int e = Math.max(literal.indexOf('e'), literal.indexOf('E'));
        if (e >= 0) {
            String exponent = literal.substring(e + 1).replaceFirst("^[+-]", "").replaceFirst("^0+(?=.)", "");
            if (exponent.length() > 6 || Integer.parseInt(exponent) > MAX_NUMBER_EXPONENT) {
                throw invalid(text, "Number out of range: exponent beyond " + MAX_NUMBER_EXPONENT);
            }
        }
        return new LiteralNumber(literal);
    }

    private static Command toCommand(String text, JsonObject frame) throws DecodeException {
        String command = string(text, frame, "command");
        switch (command) {
            case "identify":
                return new Command.Identify(name(text, string(text, frame, "name")), flag(text, frame, "resume"),
                        optionalString(text, frame, "token"), batched(text, frame));
            case "resume":
                return new Command.Resume(string(text, frame, "session"), count(text, frame, "last"));
            case "broadcast":
                return new Command.Broadcast(present(text, frame, "message"));
            case "message":
                return new Command.Message(Normalizer.normalize(string(text, frame, "to"), Normalizer.Form.NFC),
                        present(text, frame, "message"));
            case "list":
                return new Command.ListNames();
            case "state":
                return new Command.State(key(text, string(text, frame, "key")), present(text, frame, "value"),
                        frame.containsKey("ifVersion") ? count(text, frame, "ifVersion") : null);
            case "time":
                return new Command.Time(optionalNumber(text, frame, "t0"));
            default:
                String shown = command.codePointCount(0, command.length()) > MAX_ECHOED_COMMAND
                        ? command.substring(0, command.offsetByCodePoints(0, MAX_ECHOED_COMMAND)) + "…" : command;
                throw invalid(text, "Unknown command '" + shown + "'");
        }
    }

    private static JsonValue present(String text, JsonObject frame, String field) throws DecodeException {
        JsonValue value = frame.get(field);
        if (value == null) {
            throw invalid(text, "Missing '" + field + "' field!");
        }
        return value;
    }

    private static String string(String text, JsonObject frame, String field) throws DecodeException {
        JsonValue value = present(text, frame, field);
        if (!(value instanceof JsonString string)) {
            throw invalid(text, "Field '" + field + "' must be a string");
        }
        return string.getString();
    }

    /** {@code "presence":"batched"}, the one value the field may have; absent is unbatched. */
    private static boolean batched(String text, JsonObject frame) throws DecodeException {
        String presence = optionalString(text, frame, "presence");
        if (presence != null && !presence.equals("batched")) {
            throw invalid(text, "Field 'presence' must be \"batched\" (or left out)");
        }
        return presence != null;
    }

    /** An optional string field; absent is {@code null}. */
    private static String optionalString(String text, JsonObject frame, String field) throws DecodeException {
        return frame.containsKey(field) ? string(text, frame, field) : null;
    }

    /** An optional {@code true}/{@code false} field; absent is {@code false}. */
    private static boolean flag(String text, JsonObject frame, String field) throws DecodeException {
        JsonValue value = frame.get(field);
        if (value == null || value == JsonValue.FALSE) {
            return false;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        throw invalid(text, "Field '" + field + "' must be true or false");
    }

    /**
     * A required whole number of zero or more (a {@code seq}, a version). One past what a
     * {@code long} holds is still a whole number, just one the server never sent: it comes back as
     * {@link Long#MAX_VALUE}, which no count reaches, so that it is refused for what it is (410,
     * 409) rather than as a wrong type.
     */
    private static long count(String text, JsonObject frame, String field) throws DecodeException {
        JsonValue value = present(text, frame, field);
        if (value instanceof JsonNumber number) {
            BigDecimal count = number.bigDecimalValue();
            if (count.signum() >= 0 && count.stripTrailingZeros().scale() <= 0) {
                return count.compareTo(LARGEST_COUNT) >= 0 ? Long.MAX_VALUE : count.longValueExact();
            }
        }
        throw invalid(text, "Field '" + field + "' must be a whole number of zero or more");
    }

    /** An optional JSON number, kept as written; {@code null} if absent. */
    private static JsonNumber optionalNumber(String text, JsonObject frame, String field) throws DecodeException {
        JsonValue value = frame.get(field);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            return number;
        }
        throw invalid(text, "Field '" + field + "' must be a number");
    }

    /** A room state's key: the rules of a name. */
    private static String key(String text, String key) throws DecodeException {
        try {
            return NameRules.check(key, "Key");
        } catch (NameRules.InvalidName e) {
            throw invalid(text, e.getMessage());
        }
    }

    /** Applies the name rules ({@link NameRules}); the name comes back in normalization form C. */
    private static String name(String text, String name) throws DecodeException {
        try {
            return NameRules.check(name);
        } catch (NameRules.InvalidName e) {
            throw invalid(text, e.getMessage());
        }
    }

    private static DecodeException invalid(String text, String reason) {
        return new DecodeException(text, reason);
    }
}
