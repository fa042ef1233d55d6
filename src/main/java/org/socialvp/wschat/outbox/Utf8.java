package org.socialvp.wschat.outbox;

/** UTF-8 sizes of Java strings, counted without encoding them. */
public final class Utf8 {

    private Utf8() {
    }

    /** The number of bytes {@code text} takes in UTF-8. */
    public static int length(CharSequence text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2; // the pair: 2 chars counted already, 4 bytes in all
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Whether {@code text} takes more than {@code limit} bytes in UTF-8; exact, and cheap for short text. */
    public static boolean exceeds(CharSequence text, long limit) {
        if (text.length() > limit) {
            return true;
        }
        if ((long) text.length() * 3 <= limit) {
            return false;
        }
        return length(text) > limit;
    }
}
