package org.socialvp.wschat.broker;

import java.util.List;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.outbox.Outbox;

/**
 * A viewer's resumable session (PROTOCOL.md §9): its token, its numbered stream of frames
 * ({@link ResumeBuffer}) and the connection it is on, which a resume replaces.
 *
 * <p><b>Threads.</b> Frames for the viewer come from any thread, pongs on its read thread, a resume
 * on the new connection's: everything is done under this object's lock, which guards only the
 * numbering, the buffer and the connection — frames are queued in the outbox under it and sent
 * after it is released ({@link Outbox#pump}), so no lock is ever held while sending, and no other
 * lock is taken inside it.
 */
final class Session {

    enum State {
        /** On a connection. */
        LIVE,
        /** Its connection ended without the client's close: waiting for a resume. */
        SUSPENDED,
        /** Over: resumed nowhere any more. */
        ENDED
    }

    /** What became of a frame given to {@link #enqueue}. */
    enum Queued {
        /** In the outbox: pump it. */
        ON_CONNECTION,
        /** Kept for a resume. */
        KEPT,
        /** The outbox refused it: more waiting than {@code wschat.sendQueueMaxBytes}. */
        OUTBOX_FULL,
        /** Suspended and over {@code wschat.resumeBufferBytes}: dropped, and the session has ended. */
        BUFFER_FULL,
        /** The session is over: dropped. */
        ENDED
    }

    private final String token;
    private final ResumeBuffer stream;
    /** What follows when the session ended because too much was kept while it was away; run outside the lock. */
    private final java.util.function.Consumer<Session> whenFull;
    private State state = State.LIVE;
    /** The viewer's connection while live, and the one that held the name while suspended; written under the lock. */
    private volatile Client client;
    private long suspendedAt;
    /** The number of the last frame written before the ping now awaiting its pong; 0 if none. */
    private long pingedThrough;

    Session(String token, Client client, long bufferBytes, java.util.function.Consumer<Session> whenFull) {
        this.token = token;
        this.client = client;
        this.stream = new ResumeBuffer(bufferBytes);
        this.whenFull = whenFull;
    }

    /** {@link #enqueue} answered {@link Queued#BUFFER_FULL}: the rest of the ending (call without holding a lock). */
    void overflowed() {
        whenFull.accept(this);
    }

    String token() {
        return token;
    }

    /** Numbers {@code frame} for this viewer, keeps it, and queues it on the connection if there is one. */
    synchronized Queued enqueue(Frame.Encoded frame) {
        switch (state) {
            case ENDED:
                return Queued.ENDED;
            case SUSPENDED:
                if (!stream.fits(frame)) {
                    state = State.ENDED; // at once: a resume from now on is refused, never short of this frame
                    return Queued.BUFFER_FULL;
                }
                stream.add(frame);
                return Queued.KEPT;
            default:
                return client.outbox().enqueue(stream.add(frame)) ? Queued.ON_CONNECTION : Queued.OUTBOX_FULL;
        }
    }

    /** A ping is being written to {@code on} after the frame {@code lastWritten} (null: none yet there). */
    synchronized void pinged(Client on, Frame lastWritten) {
        if (on == client) {
            pingedThrough = lastWritten instanceof Frame.Numbered numbered ? numbered.seq() : 0;
        }
    }

    /** The pong to that ping came on {@code on}: everything written there before the ping has arrived. */
    synchronized void ponged(Client on) {
        if (on == client) {
            stream.acknowledged(pingedThrough);
        }
    }

    /** The connection {@code from} ended without the client's close; {@code false} if it is no longer this session's. */
    synchronized boolean suspend(Client from, long now) {
        if (state != State.LIVE || client != from) {
            return false;
        }
        state = State.SUSPENDED;
        suspendedAt = now;
        return true;
    }

    /** Ends the session if it has waited for a resume for longer than {@code window} at {@code now}; whether it did. */
    synchronized boolean endIfExpired(long now, long window) {
        return state == State.SUSPENDED && now - suspendedAt > window && end() == State.SUSPENDED;
    }

    /** A session moved by {@link #resume}: from connection {@code from}, which was gone ({@code wasSuspended}) or is still open. */
    record Moved(Client from, boolean wasSuspended) {
    }

    /**
     * Moves the session from {@code from} onto {@code to}, a new connection whose client has
     * processed frame {@code last}: the 301 {@code answer} and every frame after {@code last} are
     * queued on it, in order, before any frame that comes later.
     *
     * @return how it moved, or {@code null} if it cannot be resumed: it is over, or no longer on
     *         {@code from}, or {@code last} was never sent, or a frame after it is no longer kept
     */
    synchronized Moved resume(Client from, Client to, long last, Frame.Encoded answer) {
        if (state == State.ENDED || client != from) {
            return null;
        }
        List<Frame.Numbered> missed = stream.after(last);
        if (missed == null) {
            return null;
        }
        stream.acknowledged(last);
        boolean wasSuspended = state == State.SUSPENDED;
        client = to;
        state = State.LIVE;
        pingedThrough = 0;
        to.outbox().enqueue(answer);
        missed.forEach(frame -> to.outbox().enqueue(frame));
        return new Moved(from, wasSuspended);
    }

    /** Ends the session, whatever its state; the state it was in ({@link State#ENDED} if it already was). */
    synchronized State end() {
        State was = state;
        state = State.ENDED;
        return was;
    }

    /** Ends the session if it is waiting for a resume (not if a resume has just made it live); whether it did. */
    synchronized boolean endIfSuspended() {
        return state == State.SUSPENDED && end() == State.SUSPENDED;
    }

    /**
     * Ends the session if it is live on {@code on} (not if it is waiting for a resume, or a resume
     * has just moved it); whether it did.
     */
    synchronized boolean endLiveOn(Client on) {
        return client == on && state == State.LIVE && end() == State.LIVE;
    }

    /** Whether the session waits for a resume, its name held for it, since connection {@code on} was lost. */
    synchronized boolean suspendedFrom(Client on) {
        return client == on && state == State.SUSPENDED;
    }

    /** The viewer's current connection (or the last one, while suspended); read without the lock. */
    Client client() {
        return client;
    }
}
