package org.socialvp.wschat.protocol;

import java.text.Normalizer;

/**
 * What a name may be (PROTOCOL.md §1): 1 to {@value #MAX_CODE_POINTS} code points of valid
 * Unicode text that shows as something, compared in Unicode normalization form C.
 *
 * <p>Viewers see each other's names; a name that shows as nothing, or as another name, misleads
 * them. Refused, each with a message saying why:
 * <ul>
 *   <li>names that show as blank: only whitespace, Unicode spaces (U+00A0, U+2007, U+202F,
 *       U+3000…), fillers (U+3164 Hangul filler, U+2800 Braille blank…) and default-ignorable
 *       characters (U+200B, U+FEFF…);</li>
 *   <li>control characters (U+0000–U+001F, U+007F–U+009F), and line and paragraph separators;</li>
 *   <li>lone surrogates (a JSON {@code "\\ud800"} escape with no pair): not text at all;</li>
 *   <li>bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which
 *       reorder how the name and the text around it display;</li>
 *   <li>other invisible format characters (Unicode category Cf: U+200B, U+2060, U+FEFF, U+00AD,
 *       tags…) and fillers anywhere in a name: {@code "ali\\u200Bce"} would show as
 *       {@code "alice"}. The zero-width joiner and non-joiner (U+200D, U+200C) stay allowed:
 *       emoji sequences and several scripts need them.</li>
 * </ul>
 * Names that differ only in normalization ({@code "é"} as one code point or as {@code e} and a
 * combining accent) are the same name: {@link #check} returns the NFC form, which is what is
 * claimed, compared and shown.
 */
public final class NameRules {

    public static final int MAX_CODE_POINTS = 64;

    private NameRules() {
    }

    /** A name that breaks the rules; the message says which rule. */
    public static final class InvalidName extends Exception {

        InvalidName(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * @return {@code name} in normalization form C
     * @throws InvalidName with the human reason (the 400 outcome's message) if it is not a valid name
     */
    public static String check(String name) throws InvalidName {
        return check(name, "Name");
    }

    /**
     * The same rules for another kind of label (a room state's key): {@code what} begins each
     * refusal's message ("Key must not be blank").
     */
    public static String check(String name, String what) throws InvalidName {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1));
                if (!paired) {
                    throw new InvalidName(what + " must be valid Unicode text: it contains a lone surrogate");
                }
                i++;
            }
        }
        String normalized = Normalizer.normalize(name, Normalizer.Form.NFC);
        int length = normalized.codePointCount(0, normalized.length());
        if (length == 0 || length > MAX_CODE_POINTS) {
            throw new InvalidName(what + " must be 1 to " + MAX_CODE_POINTS + " characters long");
        }
        if (normalized.codePoints().allMatch(NameRules::showsAsNothing)) {
            throw new InvalidName(what + " must not be blank");
        }
        for (int i = 0; i < normalized.length(); ) {
            int c = normalized.codePointAt(i);
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                throw new InvalidName(what + " must not contain control characters");
            }
            if (isBidiControl(c)) {
                throw new InvalidName(what + " must not contain bidirectional controls (" + codePoint(c) + ")");
            }
            if (isInvisible(c)) {
                throw new InvalidName(what + " must not contain invisible characters (" + codePoint(c) + ")");
            }
            i += Character.charCount(c);
        }
        return normalized;
    }

    /** Whitespace, spaces, fillers and default-ignorable characters: nothing a reader can see. */
    private static boolean showsAsNothing(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || isFiller(c)
                || Character.getType(c) == Character.FORMAT || isDefaultIgnorableMark(c);
    }

    /** Format characters other than the joiners, and fillers: invisible inside a name. */
    private static boolean isInvisible(int c) {
        boolean format = Character.getType(c) == Character.FORMAT && c != 0x200C && c != 0x200D;
        return format || isFiller(c);
    }

    /** Characters drawn as blank space though they are letters or symbols. */
    private static boolean isFiller(int c) {
        return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x2800;
    }

    /** Default-ignorable characters that are not of category Cf: variation selectors, the grapheme joiner… */
    private static boolean isDefaultIgnorableMark(int c) {
        return c == 0x034F || c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180F)
                || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
    }

    private static boolean isBidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E || c == 0x200F || c == 0x061C;
    }

    private static String codePoint(int c) {
        return String.format("U+%04X", c);
    }
}
