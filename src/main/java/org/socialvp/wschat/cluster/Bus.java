package org.socialvp.wschat.cluster;

/**
 * Frames between servers: one half of the cluster seam (the other is the {@link NameDirectory}).
 * Frames cross already encoded, as text, so a broadcast is still encoded once.
 *
 * <p>Delivery: at most once, and what one server publishes for a room reaches each other server
 * in the order it was published. While the bus is unavailable, frames do not cross and are not
 * kept.
 */
public interface Bus {

    /** Whether a direct message reached a server holding the name. */
    enum Reach {
        /** Handed to the server whose viewer holds the name. */
        DELIVERED,
        /** No live server holds the name. */
        NOBODY,
        /** The bus cannot be reached: only this server's viewers can be. */
        UNAVAILABLE
    }

    /** The first connection to {@code room} on this server: hear what the others publish for it. Must not block. */
    void roomOpened(String room);

    /** The last connection to {@code room} on this server is gone. Must not block. */
    void roomClosed(String room);

    /** Sends {@code frame} to the viewers of {@code room} on the other servers. Does not wait. */
    void publish(String room, String frame);

    /** Sends {@code frame} to the viewer called {@code name} in {@code room} on whichever other server holds it. Waits. */
    Reach sendTo(String room, String name, String frame);
}
