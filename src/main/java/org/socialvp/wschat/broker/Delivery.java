package org.socialvp.wschat.broker;

import java.util.ArrayList;
import java.util.List;
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
        Batch batch = new Batch();
        recipient.release(frame -> batch.queueNow(recipient, frame));
        Session session = recipient.session();
        batch.toPump.add((session == null ? recipient : session.client()).outbox()); // what was sent first, too
        batch.send();
    }

    /**
     * Drops the frames held back for {@code recipient}, which did not get the name they were sent
     * to (another server's viewer holds it), and lets frames through again.
     */
    void discardHeld(Client recipient) {
        recipient.release(frame -> { });
    }

    /** A batch for frames that must be queued under a caller's lock and sent after it. */
    Batch batch() {
        return new Batch();
    }

    /**
     * Frames queued in outboxes (and sessions) without sending — for a caller holding a lock that
     * decides their order — then sent, by {@link #send}, once it has let go. Not thread-safe.
     */
    final class Batch {

        private final List<Outbox> toPump = new ArrayList<>();
        private final List<Runnable> afterwards = new ArrayList<>();

        /** To one viewer on this server. */
        void to(Client recipient, Frame.Encoded frame) {
            if (recipient.ready() || !recipient.hold(frame)) {
                queueNow(recipient, frame);
            }
        }

        /** To every identified viewer of {@code room} on this server. */
        void toRoom(Room room, Frame.Encoded frame) {
            for (Client recipient : room.identified()) {
                if (recipient.ready() || !recipient.hold(frame)) {
                    queueNow(recipient, frame);
                }
            }
        }

        private void queueNow(Client recipient, Frame.Encoded frame) {
            Session session = recipient.session();
            if (session == null) {
                Outbox outbox = recipient.outbox();
                if (outbox.enqueue(frame)) {
                    metrics.messagesOut.increment();
                    toPump.add(outbox);
                } else {
                    afterwards.add(outbox::overflowed);
                }
                return;
            }
            switch (session.enqueue(frame)) {
                case ON_CONNECTION -> {
                    metrics.messagesOut.increment();
                    toPump.add(session.client().outbox());
                }
                case KEPT -> metrics.messagesOut.increment();
                case OUTBOX_FULL -> afterwards.add(session.client().outbox()::overflowed);
                case BUFFER_FULL -> afterwards.add(session::overflowed);
                case ENDED -> { }
            }
        }

        /** Sends what was queued, and closes whoever overflowed; call without holding a lock. */
        void send() {
            afterwards.forEach(Runnable::run);
            toPump.forEach(Outbox::pump);
        }
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

    /** Queues {@code frame}, counts it, then starts the send: counted before anyone can have received it. */
    private void send(Client recipient, Frame.Encoded frame, boolean byWriters) {
        Session session = recipient.session();
        if (session == null) {
            Outbox outbox = recipient.outbox();
            if (outbox.enqueue(frame)) {
                metrics.messagesOut.increment();
                pump(outbox, byWriters);
            } else {
                outbox.overflowed();
            }
            return;
        }
        switch (session.enqueue(frame)) {
            case ON_CONNECTION -> {
                metrics.messagesOut.increment();
                pump(session.client().outbox(), byWriters);
            }
            case KEPT -> metrics.messagesOut.increment();
            case OUTBOX_FULL -> session.client().outbox().overflowed();
            case BUFFER_FULL -> session.overflowed();
            case ENDED -> { }
        }
    }

    private static void pump(Outbox outbox, boolean byWriters) {
        if (byWriters) {
            outbox.pumpByWriters();
        } else {
            outbox.pump();
        }
    }
}
