package org.socialvp.wschat;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps a connection's writes out of the container once the container has reported it closed,
 * and, where the container needs it, makes that report wait for a write already under way.
 *
 * <p><b>Why the wait.</b> Payara Micro hands a closed connection's output stream on to a later
 * connection, and Tyrus writes to the stream it was given without asking whether its own
 * connection is still there. Tyrus tells the endpoint of a close (our {@code @OnClose}) before it
 * lets go of the connection, so a frame that another thread writes in that instant — a broadcast
 * to a viewer that is just leaving — can reach another viewer: seen on Payara with 100 viewers
 * coming and going in one room, a broadcast before the {@code init}, a {@code join} or a
 * {@code state} before the 300, and an {@code init} in front of a handshake's response, about once
 * in a thousand connections. With the wait the close is reported only once no write is under way,
 * and no write starts after it. Tomcat keeps each connection's streams to itself, and blocks a
 * batch write for up to its send timeout: there the gate only refuses writes after the close.
 *
 * <p>Writes never wait for each other here: the outbox already writes one at a time, so the lock
 * is uncontended but for the close.
 */
final class WriteGate {

    /** Held for every write, and to close; {@code null} where the container needs no wait. */
    private final ReentrantLock writing;
    private volatile boolean closed;

    /** @param closeWaitsForWrites whether the container's close must wait for a write under way (Tyrus) */
    WriteGate(boolean closeWaitsForWrites) {
        this.writing = closeWaitsForWrites ? new ReentrantLock() : null;
    }

    /**
     * Before a write: {@code true} if it may go ahead (then {@link #leave} after it, in a
     * {@code finally}), {@code false} once the container has reported the connection closed.
     */
    boolean enter() {
        if (writing != null) {
            writing.lock();
        }
        if (closed) {
            leave();
            return false;
        }
        return true;
    }

    /** After a write that {@link #enter} let through. */
    void leave() {
        if (writing != null) {
            writing.unlock();
        }
    }

    /**
     * The container reports the connection closed: returns once no write is under way (where it
     * waits), and no write starts from now on. May be called by the writing thread itself (a
     * container that reports a failed write's close at once).
     */
    void close() {
        if (writing != null) {
            writing.lock();
        }
        closed = true;
        if (writing != null) {
            writing.unlock();
        }
    }
}
