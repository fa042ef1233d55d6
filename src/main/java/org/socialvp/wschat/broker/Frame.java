package org.socialvp.wschat.broker;

/**
 * One encoded server → client text frame and its size in UTF-8 bytes. A broadcast builds one
 * {@code Frame} and hands the same instance to every recipient's {@link Outbox}.
 */
record Frame(String text, int size) {

    static Frame of(String text) {
        return new Frame(text, Utf8.length(text));
    }
}
