package org.socialvp.wschat.broker;

import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.outbox.Outbox;

/**
 * Hands frames to recipients — here, and to the other servers through the {@link Bus} — and
 * counts them. Never blocks: an outbox only queues. A viewer with a resumable session gets each
 * frame numbered and kept by its {@link Session}; a viewer whose 300 is not yet queued gets its
 * frames once it is ({@link Client#hold}).
 */
final class Delivery {

    private final Bus bus;
    private final Metrics metrics;

    Delivery(Bus bus, Metrics metrics) {
        this.bus = bus;
        this.metrics = metrics;
    }

    /** To one viewer on this server. */
    void to(Client recipient, Frame.Encoded frame) {
        if (recipient.ready() || !recipient.hold(frame)) {
            send(recipient, frame, false);
        }
    }

    /** To one viewer even while its frames are held back: its own answers, which come first. */
    void first(Client recipient, Frame.Encoded frame) {
        send(recipient, frame, false);
    }

    /** A frame from another server: written by the writers, so that the relaying thread only queues. */
    void relay(Client recipient, Frame.Encoded frame) {
        if (recipient.ready() || !recipient.hold(frame)) {
            send(recipient, frame, true);
        }
    }

    /**
     * Lets the frames held back for {@code recipient} go, after everything it was sent first: queued
     * under its lock (see {@link Client#release}), sent once the lock is let go.
     */
    void release(Client recipient) {
        boolean[] overflowed = {false};
        recipient.release(frame -> overflowed[0] |= !queue(recipient, frame));
        Outbox outbox = current(recipient).outbox();
        if (overflowed[0]) {
            outbox.overflowed();
        }
        outbox.pump();
    }

    /** To every identified viewer of {@code room} on this server but {@code except} (may be {@code null}). */
    void toRoom(Room room, Client except, Frame.Encoded frame) {
        for (Client recipient : room.identified()) {
            if (recipient != except) {
                to(recipient, frame);
            }
        }
    }

    /** To every identified viewer of the sender's room but the sender, here and on the other servers. */
    void toOthers(Client sender, Frame.Encoded frame) {
        toRoom(sender.room(), sender, frame);
        bus.publish(sender.room().name(), frame.text());
    }

    /** To the viewers of {@code room} on the other servers only. */
    void toOtherServers(String room, Frame.Encoded frame) {
        bus.publish(room, frame.text());
    }

    private void send(Client recipient, Frame.Encoded frame, boolean byWriters) {
        Session session = recipient.session();
        if (session == null) {
            Outbox outbox = recipient.outbox();
            count(byWriters ? outbox.offerForWriters(frame) : outbox.offer(frame));
            return;
        }
        switch (session.enqueue(frame)) {
            case ON_CONNECTION -> {
                metrics.messagesOut.increment();
                Outbox outbox = session.client().outbox();
                if (byWriters) {
                    outbox.pumpByWriters();
                } else {
                    outbox.pump();
                }
            }
            case KEPT -> metrics.messagesOut.increment();
            case OUTBOX_FULL -> session.client().outbox().overflowed();
            case BUFFER_FULL -> session.overflowed();
            case ENDED -> { }
        }
    }

    /** Queues without sending; {@code false} if the outbox was full. */
    private boolean queue(Client recipient, Frame.Encoded frame) {
        Session session = recipient.session();
        if (session == null) {
            boolean queued = recipient.outbox().enqueue(frame);
            count(queued);
            return queued;
        }
        Session.Queued queued = session.enqueue(frame);
        if (queued == Session.Queued.ON_CONNECTION || queued == Session.Queued.KEPT) {
            metrics.messagesOut.increment();
        }
        return queued != Session.Queued.OUTBOX_FULL;
    }

    /** The connection a viewer's frames go to now: its session's, if it has one. */
    private static Client current(Client recipient) {
        Session session = recipient.session();
        return session == null ? recipient : session.client();
    }

    private void count(boolean queued) {
        if (queued) {
            metrics.messagesOut.increment();
        }
    }
}
