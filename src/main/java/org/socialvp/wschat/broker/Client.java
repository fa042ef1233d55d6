package org.socialvp.wschat.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.outbox.Outbox;
import org.socialvp.wschat.outbox.Utf8;

/**
 * One connection's state: its room, its name once identified, its outbox, its flood control, its
 * ping timing and the part of an incoming message received so far.
 */
final class Client {

    private final String id;
    private final Room room;
    private final Outbox outbox;
    /** Touched only by the connection's read thread. */
    private final FloodControl flood;
    private final long connectedAt;
    private final AtomicBoolean gone = new AtomicBoolean();
    /** When the ping now awaiting its pong was queued, 0 if none is; see {@link #pingDue}. */
    private volatile long pingSentAt;
    /** When the last ping was queued (or the connection opened); written by the housekeeping thread only. */
    private volatile long lastPingAt;
    /**
     * Written only by the connection's own read thread (identify); read by any thread. Volatile,
     * and paired with {@link #gone}, so that a close racing an identify always releases the name.
     */
    private volatile String name;

    /** The message being assembled from parts; touched only by the connection's read thread. */
    private StringBuilder partial;
    /** Identifies refused for their token; touched only by the connection's read thread. */
    private int tokensRefused;

    /** Whether this viewer asked for presence in batches (PROTOCOL.md §15); set before its first name is claimed. */
    private volatile boolean batchedPresence;

    /**
     * Its place among its room's identified clients while it holds a name ({@link Room.Seat});
     * {@code null} before its first name and after its session moved on with its seat. Guarded by
     * the room.
     */
    private Room.Seat seat;

    /** The resumable session this connection carries, or {@code null}. */
    private volatile Session session;
    /**
     * False from the moment a first name is claimed until the 300 that grants it is queued: frames
     * from others meanwhile wait in {@link #held}, so that nothing reaches the viewer before its
     * 300 (and what must follow it directly). Guarded by this object's lock while false.
     */
    private volatile boolean ready = true;
    private List<Frame.Encoded> held;

    /**
     * @param id the container's id of the connection, for logs
     * @param outboxFactory builds this client's outbox; it receives the client so the outbox's
     *        overflow action can name it
     */
    Client(String id, Room room, long connectedAt, FloodControl flood, Function<Client, Outbox> outboxFactory) {
        this.id = id;
        this.room = room;
        this.connectedAt = connectedAt;
        this.lastPingAt = connectedAt;
        this.flood = flood;
        this.outbox = outboxFactory.apply(this);
    }

    Room room() {
        return room;
    }

    /** Only under its room's lock on names ({@link Room}). */
    Room.Seat seat() {
        return seat;
    }

    void seat(Room.Seat seat) {
        this.seat = seat;
    }

    Session session() {
        return session;
    }

    void session(Session session) {
        this.session = session;
    }

    /** Frames for this viewer wait from now on until {@link #release}. */
    synchronized void holdBack() {
        ready = false;
        held = new ArrayList<>();
    }

    /** Whether this viewer takes frames now; {@code false} while they are held back. */
    boolean ready() {
        return ready;
    }

    /** Keeps {@code frame} for {@link #release} if frames are held back; {@code false} if they are not (any more). */
    synchronized boolean hold(Frame.Encoded frame) {
        if (ready) {
            return false;
        }
        held.add(frame);
        return true;
    }

    /**
     * Hands the frames held back to {@code deliver}, in order, then takes frames directly again.
     * Under the lock: a frame offered meanwhile waits for the lock and then goes after them.
     */
    synchronized void release(java.util.function.Consumer<Frame.Encoded> deliver) {
        if (ready) {
            return;
        }
        held.forEach(deliver);
        held = null;
        ready = true;
    }

    boolean batchedPresence() {
        return batchedPresence;
    }

    void batchedPresence(boolean batched) {
        this.batchedPresence = batched;
    }

    Outbox outbox() {
        return outbox;
    }

    String name() {
        return name;
    }

    void name(String name) {
        this.name = name;
    }

    boolean isIdentified() {
        return name != null;
    }

    /** Counts one more identify refused for its token; returns how many so far. */
    int tokenRefused() {
        return ++tokensRefused;
    }

    long connectedAt() {
        return connectedAt;
    }

    /** Flood control's verdict on {@code message}, which arrived {@code now}. */
    FloodControl.Verdict admit(long now, String message) {
        return flood.admit(now, message);
    }

    /**
     * Whether a ping should be sent {@code now}: none is awaiting its pong and the interval has
     * passed since the last one. If so, records it as sent.
     */
    boolean pingDue(long now, long interval) {
        if (pingSentAt != 0 || now - lastPingAt < interval) {
            return false;
        }
        lastPingAt = now;
        pingSentAt = now;
        return true;
    }

    /** Whether the ping sent last has waited more than {@code timeout} for its pong. */
    boolean pongOverdue(long now, long timeout) {
        long sent = pingSentAt;
        return sent != 0 && now - sent > timeout;
    }

    void pongReceived() {
        pingSentAt = 0;
    }

    /** Marks the client as gone; {@code true} only for the first caller. */
    boolean leave() {
        return gone.compareAndSet(false, true);
    }

    boolean isGone() {
        return gone.get();
    }

    /**
     * Adds one part of an incoming text message.
     *
     * @return the whole message once {@code last} is true, {@code null} while parts are missing
     * @throws MessageTooBigException when the message passes {@code maxBytes} UTF-8 bytes
     */
    String collect(String part, boolean last, int maxBytes) throws MessageTooBigException {
        if (partial == null && last) {
            if (Utf8.exceeds(part, maxBytes)) {
                throw new MessageTooBigException();
            }
            return part;
        }
        if (partial == null) {
            partial = new StringBuilder(part.length() * 2);
        }
        partial.append(part);
        if (Utf8.exceeds(partial, maxBytes)) {
            partial = null;
            throw new MessageTooBigException();
        }
        if (!last) {
            return null;
        }
        String message = partial.toString();
        partial = null;
        return message;
    }

    @Override
    public String toString() {
        return "conn=" + id + " room=" + room.name();
    }

    /** An incoming message larger than {@code wschat.maxMessageBytes}. */
    static final class MessageTooBigException extends Exception {

        MessageTooBigException() {
            super("message too big", null, false, false);
        }
    }
}
