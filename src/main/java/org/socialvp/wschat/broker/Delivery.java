package org.socialvp.wschat.broker;

import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.outbox.Frame;

/**
 * Hands frames to recipients' outboxes — here, and to the other servers through the {@link Bus} —
 * and counts them. Never blocks: an outbox only queues.
 */
final class Delivery {

    private final Bus bus;
    private final Metrics metrics;

    Delivery(Bus bus, Metrics metrics) {
        this.bus = bus;
        this.metrics = metrics;
    }

    /** To one viewer on this server. */
    void to(Client recipient, Frame frame) {
        count(recipient.outbox().offer(frame));
    }

    /** A frame from another server: written by the writers, so that the relaying thread only queues. */
    void relay(Client recipient, Frame frame) {
        count(recipient.outbox().offerForWriters(frame));
    }

    /** To every identified viewer of {@code room} on this server but {@code except} (may be {@code null}). */
    void toRoom(Room room, Client except, Frame frame) {
        for (Client recipient : room.identified()) {
            if (recipient != except) {
                to(recipient, frame);
            }
        }
    }

    /** To every identified viewer of the sender's room but the sender, here and on the other servers. */
    void toOthers(Client sender, Frame frame) {
        toRoom(sender.room(), sender, frame);
        bus.publish(sender.room().name(), frame.text());
    }

    /** To the viewers of {@code room} on the other servers only. */
    void toOtherServers(String room, Frame frame) {
        bus.publish(room, frame.text());
    }

    private void count(boolean queued) {
        if (queued) {
            metrics.messagesOut.increment();
        }
    }
}
