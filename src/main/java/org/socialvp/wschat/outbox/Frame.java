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
    record Encoded(String text, int size) implements Frame {
    }

    /**
     * {@code body} as frame {@code seq} of one viewer's stream: {@code {"seq":17,} + the body's
     * fields}. The text is put together when it is asked for (when the frame is written), so that a
     * kept or queued frame costs only this small record; the body stays shared.
     */
    record Numbered(Encoded body, long seq) implements Frame {

        private static final String PREFIX = "{\"seq\":";

        @Override
        public String text() {
            String fields = body.text();
            return new StringBuilder(fields.length() + 24).append(PREFIX).append(seq).append(',')
                    .append(fields, 1, fields.length()).toString();
        }

        @Override
        public int size() {
            return body.size() + PREFIX.length() + Long.toString(seq).length();
        }
    }
}
