package org.socialvp.wschat.outbox;

/**
 * One encoded server → client text frame and its size in UTF-8 bytes. A broadcast builds one
 * {@code Frame} and hands the same instance to every recipient's {@link Outbox}.
 */
public record Frame(String text, int size) {

    public static Frame of(String text) {
        return new Frame(text, Utf8.length(text));
    }
}
