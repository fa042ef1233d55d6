package org.socialvp.wschat.outbox;

/**
 * One server → client text frame and its size in UTF-8 bytes. A broadcast builds one
 * {@link Encoded} frame and hands the same instance to every recipient's {@link Outbox}; a
 * viewer with a resumable session gets it as {@link Numbered}, its own number in front of the
 * shared body, written only when the frame is sent.
 */
public sealed interface Frame permits Frame.Encoded, Frame.Numbered {

    /** The text as it goes on the wire. */
    String text();

    /** The UTF-8 bytes of {@link #text()}. */
    int size();

    /** The frame of an event encoded as {@code text}. */
    static Encoded of(String text) {
        return new Encoded(text, Utf8.length(text));
    }

    /** An event's frame, shared by every recipient. */
    final class Encoded implements Frame {

        private final String text;
        private final int size;
        /** The text without its opening brace, made once for all who get this frame numbered. */
        private volatile String fields;

        Encoded(String text, int size) {
            this.text = text;
            this.size = size;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public int size() {
            return size;
        }

        /** {@code "type":…}: the members after the opening brace, for a number to go in front of. */
        String fields() {
            String made = fields;
            if (made == null) {
                made = text.substring(1);
                fields = made;
            }
            return made;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * {@code body} as frame {@code seq} of one viewer's stream: {@code {"seq":17,} + the body's
     * fields}. The text is put together when it is asked for (when the frame is written), so that a
     * kept or queued frame costs only this small record; the body stays shared.
     *
     * @param size the UTF-8 size of the text, see {@link #of(Encoded, long)}
     */
    record Numbered(Encoded body, long seq, int size) implements Frame {

        private static final String PREFIX = "{\"seq\":";

        /** {@code body} numbered {@code seq}. */
        public static Numbered of(Encoded body, long seq) {
            return new Numbered(body, seq, sizeOf(body, seq));
        }

        /** The size {@code body} numbered {@code seq} has, without making it. */
        public static int sizeOf(Encoded body, long seq) {
            return body.size() + PREFIX.length() + digits(seq);
        }

        /** Made when the frame is written: one string of exactly its length, the body's fields shared. */
        @Override
        public String text() {
            return PREFIX + seq + ',' + body.fields();
        }

        /** Decimal digits of a number of zero or more. */
        static int digits(long n) {
            int digits = 1;
            while (n >= 10) {
                n /= 10;
                digits++;
            }
            return digits;
        }
    }
}
