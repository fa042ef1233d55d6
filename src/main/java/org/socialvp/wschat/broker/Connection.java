package org.socialvp.wschat.broker;

/**
 * One connection as the endpoint sees it: what the container reports about it goes here. Never
 * {@code null}: a connection the broker refused is {@link #NONE}, which ignores everything.
 *
 * <p>The container calls {@link #text}, {@link #binary} and {@link #pong} on the connection's read
 * thread, one at a time; {@link #closed} on any thread.
 */
public interface Connection {

    /** One part of a text message; {@code last} ends the message. */
    void text(String part, boolean last);

    /** A binary frame arrived (the protocol is text only). */
    void binary();

    /** The answer to the last ping. */
    void pong();

    /** The container closed the connection, for whatever reason (clean close, reset, timeout, the server's own close). */
    void closed(int code, String reason);

    /** A connection that was refused (and closed) at once: nothing that follows concerns the broker. */
    Connection NONE = new Connection() {
        @Override
        public void text(String part, boolean last) {
        }

        @Override
        public void binary() {
        }

        @Override
        public void pong() {
        }

        @Override
        public void closed(int code, String reason) {
        }
    };
}
