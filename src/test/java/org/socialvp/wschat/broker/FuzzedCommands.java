package org.socialvp.wschat.broker;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts a client might send, shaped from fuzzer data so that most of them get past the JSON
 * parser: commands of every kind whose strings, names, targets and payloads are fuzzed (lone
 * surrogates raw and as escapes, bidi controls, zero-width and NFC variants, deep nesting, huge
 * numbers, strings near the message size limit), objects with extra, duplicate or mistyped keys,
 * and valid commands with a few characters broken. Only a generator: what the broker must do with
 * each text is decided by {@link BrokerFuzzTest} from the text alone.
 */
final class FuzzedCommands {

    /** Strings worth trying anywhere: edge cases of the name rules, surrogates, escapes. */
    static final String[] SPECIAL = {
        "", "mallory", "bob", "Ren\u00e9", "Rene\u0301", "RENE\u0301", "alice", "\ud800", "\udfff", "\udbff\udfff",
        "\ud83d\ude00", "\ude00\ud83d", "a\ud800", "\ud800a", "\ud83d", "x\udc00y", "\u202eecila", "\u2066bob\u2069",
        "ali\u200bce", "\u200b", "\ufeff", "\u00ad", "\u2060", "\u3164", "\u2800", "\u115f\u1160", "\u00a0", "\u3000",
        "\u2007\u202f", "\u0000", "\u001f", "\u007f", "\u0085", "\u2028", "\u2029", "bob\n", "\u200d", "\u200c",
        "\ud83c\udff3\ufe0f\u200d\ud83c\udf08", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "\ufe0f",
        "\u034f", "\u180e", "\udb40\udc01", "\u0958", "\ufb2c", "\u1e9b\u0323", "\u212b", "\u2126", "\uffff",
        "\ufffe", "\ufffd", "\"", "\\", "\\u", "\\ud800", "/", "</script>", "x".repeat(64), "x".repeat(65),
        "\ud83d\udc4d".repeat(64), "\ud83d\udc4d".repeat(65), "e\u0301".repeat(64), "e\u0301".repeat(65),
        "identify", "broadcast", "message", "list", "resume", "state", "time", "command", "name", "to", "session",
        "key", "value", "ifVersion", "t0", "playback", "null", "true", "0",
    };

    /** Number literals at and around the limits (1,100 characters, exponent 100,000). */
    private static final String[] NUMBERS = {
        "0", "-0", "1", "-1", "1.0", "1.50", "1e5", "1E5", "1e+5", "1E-5", "-0.0e-0", "0.1", "12345678901234567890123",
        "1e100000", "1e-100000", "1e100001", "1E+0000100000", "1e-0000000100001", "9".repeat(1100), "9".repeat(1101),
        "0." + "0".repeat(1097) + "1", "1e9999999999", "4.9e-324", "1.7976931348623157e308", "2e308", "-1e-400",
        "01", "1.", ".5", "+1", "1e", "-", "0x10", "NaN", "Infinity", "1_000",
    };

    private static final String[] WHITESPACE = {"", " ", "\n", "\t", "\r\n", "  \n\t", "\u00a0", "\u3000", "\ufeff"};

    private final FuzzedDataProvider data;
    /** Whether this input has had its one string near the size limit: they are slow, one is enough. */
    private boolean huge;

    FuzzedCommands(FuzzedDataProvider data) {
        this.data = data;
    }

    /** The next text the sender sends; {@code self} is the sender's current name. */
    String next(String self) {
        switch (data.consumeInt(0, 14)) {
            case 0:
            case 1:
                return object(member("command", quoted("broadcast")), member("message", value(0)));
            case 2:
            case 3:
                return object(member("command", quoted("message")), member("to", string(target(self))),
                        member("message", value(0)));
            case 4:
                return object(member("command", quoted("identify")), member("name", string(name(self))));
            case 5:
                return object(member("command", quoted("identify")), member("name", string(name(self))),
                        member("resume", data.pickValue(new String[] {"true", "false", "null", "1", "\"true\"",
                            "[]"})));

            case 6:
                return object(member("command", quoted("list")));
            case 7:
                return object(member("command", string(anyString())), member("message", value(0)));
            case 8:
                return freeObject();
            case 9:
                return value(0);
            case 10:
                return broken(next(self));
            case 11:
                return data.consumeString(300);
            case 12:
                return state();
            case 13:
                return data.consumeBoolean() ? object(member("command", quoted("time")))
                        : object(member("command", quoted("time")),
                                member("t0", data.consumeBoolean() ? number() : value(0)));
            default:
                return object(member("command", quoted("resume")), member("session", string(anyString())),
                        member("last", data.consumeBoolean() ? number() : value(0)));
        }
    }

    /** A write of the room's state: a key like a name, any value, maybe a version to compare with. */
    private String state() {
        String key = data.consumeBoolean()
                ? data.pickValue(new String[] {"playback", "k", "Ren\u00e9", "Rene\u0301"}) : name("playback");
        String write = member("command", quoted("state")) + "," + member("key", string(key)) + ","
                + member("value", data.consumeInt(0, 7) == 0 ? "null" : value(0));
        return switch (data.consumeInt(0, 3)) {
            case 0 -> object(write, member("ifVersion", data.pickValue(new String[] {"0", "1", "2", "1.0", "1e0", "-0",
                "-1", "0.5", "1e400", "\"1\"", "null"})));
            case 1 -> object(write, member("ifVersion", number()));
            default -> object(write);
        };
    }

    /** Splits {@code text} into the parts a container might deliver it in (some may be empty). */
    List<String> parts(String text) {
        int cuts = data.consumeInt(0, 3);
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < cuts && from < text.length(); i++) {
            int to = data.consumeInt(from, text.length());
            parts.add(text.substring(from, to));
            from = to;
        }
        parts.add(text.substring(from));
        return parts;
    }

    /** How many texts the sender sends in one input. */
    int count() {
        return data.consumeInt(1, 4);
    }

    private String target(String self) {
        switch (data.consumeInt(0, 5)) {
            case 0:
                return "bob";
            case 1:
                return "Rene\u0301";
            case 2:
                return self;
            case 3:
                return "Ren\u00e9";
            default:
                return anyString();
        }
    }

    private String name(String self) {
        switch (data.consumeInt(0, 4)) {
            case 0:
                return self;
            case 1:
                return data.pickValue(SPECIAL);
            case 2:
                return data.consumeString(8) + data.pickValue(SPECIAL) + data.consumeString(8);
            default:
                return anyString();
        }
    }

    /** A fuzzed Java string, now and then with a special string or a lone surrogate put in. */
    private String anyString() {
        String text = data.consumeString(40);
        switch (data.consumeInt(0, 7)) {
            case 0:
                return data.pickValue(SPECIAL);
            case 1:
                return text + data.pickValue(SPECIAL);
            case 2:
                return data.pickValue(SPECIAL) + text;
            case 3:
                int at = data.consumeInt(0, text.length());
                return text.substring(0, at) + data.consumeChar() + text.substring(at);
            default:
                return text;
        }
    }

    /** A JSON value, usually valid; {@code depth} bounds the recursion of the generator itself. */
    private String value(int depth) {
        int kind = data.consumeInt(0, depth > 5 ? 2 : 9);
        switch (kind) {
            case 0:
                return string(anyString());
            case 1:
                return number();
            case 2:
                return data.pickValue(new String[] {"true", "false", "null", "nul", "True", "undefined"});
            case 3: {
                int n = data.consumeInt(0, 4);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(value(depth + 1));
                }
                return "[" + ws() + String.join("," + ws(), items) + ws() + "]";
            }
            case 4: {
                int n = data.consumeInt(0, 4);
                List<String> members = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    members.add(member(string(anyString()), value(depth + 1)));
                }
                return "{" + ws() + String.join("," + ws(), members) + ws() + "}";
            }
            case 5:
                return nested(value(6));
            case 6:
                return longString();
            case 7:
                return string(data.pickValue(SPECIAL));
            case 8:
                return data.consumeString(8);
            default:
                return string(anyString());
        }
    }

    /** {@code inner} inside arrays and objects nested around the depth limit (64), or (rarely) far beyond it. */
    private String nested(String inner) {
        int depth = switch (data.consumeInt(0, 7)) {
            case 0 -> data.consumeInt(990, 1100);
            case 1, 2 -> data.consumeInt(0, 200);
            default -> data.consumeInt(58, 68);
        };
        boolean objects = data.consumeBoolean();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            text.append(objects ? "{\"k\":" : "[");
        }
        text.append(inner);
        for (int i = 0; i < depth; i++) {
            text.append(objects ? "}" : "]");
        }
        return text.toString();
    }

    /**
     * A string made of a short fuzzed chunk repeated: usually a few KiB (several 1 KiB parts),
     * rarely (once per input at most) near the message size limit of 2 MiB, on either side of it.
     */
    private String longString() {
        String chunk = data.consumeString(12);
        if (chunk.isEmpty()) {
            chunk = "x";
        }
        String inner = string(chunk);
        inner = inner.substring(1, inner.length() - 1);
        boolean nearLimit = !huge && data.consumeInt(0, 7) == 0;
        huge |= nearLimit;
        int max = (nearLimit ? 2_200_000 : 5_000) / inner.length();
        return "\"" + inner.repeat(data.consumeInt(1, Math.max(1, max))) + "\"";
    }

    private String number() {
        if (data.consumeBoolean()) {
            return data.pickValue(NUMBERS);
        }
        StringBuilder literal = new StringBuilder();
        if (data.consumeBoolean()) {
            literal.append('-');
        }
        literal.append(data.consumeInt(0, 9)).append("0".repeat(data.consumeInt(0, 1200)));
        if (data.consumeBoolean()) {
            literal.append('.').append(data.consumeInt(0, Integer.MAX_VALUE));
        }
        if (data.consumeBoolean()) {
            literal.append(data.consumeBoolean() ? 'e' : 'E').append(data.pickValue(new String[] {"", "+", "-"}))
                    .append("0".repeat(data.consumeInt(0, 8))).append(data.consumeInt(0, 1_000_000));
        }
        return literal.toString();
    }

    /** An object of fuzzed members, maybe with the keys of a command, of any type, duplicated. */
    private String freeObject() {
        int n = data.consumeInt(0, 5);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = data.consumeBoolean()
                    ? data.pickValue(new String[] {"command", "name", "to", "message", "type", "from", "resume",
                        "session", "last", "seq", "key", "value", "ifVersion", "t0", "time"})
                    : anyString();
            String value = data.consumeBoolean()
                    ? string(data.pickValue(new String[] {"identify", "broadcast", "message", "list", "resume", "state",
                        "time", "bob"}))
                    : value(0);
            members.add(member(string(key), value));
        }
        return "{" + ws() + String.join("," + ws(), members) + ws() + "}";
    }

    /** {@code text} with up to three characters deleted, inserted or replaced. */
    private String broken(String text) {
        StringBuilder broken = new StringBuilder(text);
        int edits = data.consumeInt(1, 3);
        for (int i = 0; i < edits; i++) {
            int at = data.consumeInt(0, broken.length());
            switch (data.consumeInt(0, 2)) {
                case 0:
                    if (at < broken.length()) {
                        broken.deleteCharAt(at);
                    }
                    break;
                case 1:
                    broken.insert(at, data.consumeChar());
                    break;
                default:
                    if (at < broken.length()) {
                        broken.setCharAt(at, data.consumeChar());
                    }
                    break;
            }
        }
        return broken.toString();
    }

    /**
     * {@code members} as an object, maybe with an extra member (an unknown key or a second
     * {@code command}) put in among them.
     */
    private String object(String... members) {
        List<String> all = new ArrayList<>(List.of(members));
        if (data.consumeInt(0, 3) == 0) {
            String extra = data.consumeBoolean()
                    ? member(quoted("command"), string(data.pickValue(new String[] {"identify", "broadcast",
                        "message", "list", "resume", "state", "time", "dance"})))
                    : member(string(anyString()), value(3));
            all.add(data.consumeInt(0, all.size()), extra);
        }
        return ws() + "{" + ws() + String.join("," + ws(), all) + ws() + "}" + ws();
    }

    private String member(String key, String value) {
        return (key.startsWith("\"") ? key : quoted(key)) + ws() + ":" + ws() + value;
    }

    private String ws() {
        return data.consumeInt(0, 15) < 12 ? "" : data.pickValue(WHITESPACE);
    }

    private static String quoted(String plain) {
        return "\"" + plain + "\"";
    }

    /**
     * {@code text} as a JSON string literal, written one of several ways: characters as they are
     * (lone surrogates included, raw), everything beyond ASCII as {@code \\uXXXX} escapes (lower
     * or upper case hex, so that surrogate pairs become escape pairs), or every character escaped.
     */
    private String string(String text) {
        int style = data.consumeInt(0, 4);
        StringBuilder literal = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean escape = switch (style) {
                case 1, 2 -> c >= 0x7f;
                case 3 -> true;
                default -> false;
            };
            if (c == '"' || c == '\\') {
                literal.append('\\').append(c);
            } else if (c < 0x20 || escape) {
                String shortEscape = switch (c) {
                    case '\n' -> "\\n";
                    case '\t' -> "\\t";
                    case '\r' -> "\\r";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    default -> null;
                };
                if (shortEscape != null && style != 3) {
                    literal.append(shortEscape);
                } else {
                    literal.append(String.format(style == 2 ? "\\u%04X" : "\\u%04x", (int) c));
                }
            } else if (c == '/' && style == 4) {
                literal.append("\\/");
            } else {
                literal.append(c);
            }
        }
        return literal.append('"').toString();
    }
}
