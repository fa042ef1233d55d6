package org.socialvp.wschat.outbox;

import java.util.List;

/**
 * The one connection's end in the container, as the write path needs it: send asynchronously,
 * write a batch, ping, close. The {@link Outbox} talks to the container only through this, so
 * that it can be tested without one; {@code SessionPeer} is the adapter to a Jakarta WebSocket
 * {@code Session}.
 *
 * <p>Implementations never throw from {@link #send}: whatever the container does with a frame
 * is reported to the {@link Completion}, as a {@link SendFailure} when it did not go out.
 */
public interface Peer {

    /** What became of one asynchronous send; called once, on any thread, maybe before {@link #send} returns. */
    @FunctionalInterface
    interface Completion {
        /** @param failure {@code null} if the frame was written */
        void completed(SendFailure failure);
    }

    /** The container's id of the connection, for logs. */
    String id();

    /** Starts writing {@code text} as one text frame; {@code done} learns how it went. */
    void send(String text, Completion done);

    /**
     * How many bytes of frames, headers included, the container gathers for one socket write in
     * {@link #writeBatch}; 0 if it cannot gather them (then frames go one by one). A property of
     * the container.
     */
    int batchBytes();

    /**
     * Writes {@code texts}, which fit in {@link #batchBytes} together, as text frames, in order,
     * with one blocking socket write at the end; returns once they are written.
     *
     * @throws SendFailure if they could not all be written; the connection is then unusable
     */
    void writeBatch(List<String> texts) throws SendFailure;

    /**
     * Writes one text frame larger than {@link #batchBytes} with blocking writes, outside any batch;
     * returns once it is written.
     *
     * @throws SendFailure if it could not be written; the connection is then unusable
     */
    void writeAlone(String text) throws SendFailure;

    /** Sends a ping; a failure is not reported (the missing pong will be). */
    void ping();

    /** Whether the container still has the connection open. */
    boolean isOpen();

    /** Closes the connection with {@code code} and {@code reason}; may block briefly. */
    void close(int code, String reason);
}
