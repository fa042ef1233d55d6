package org.socialvp.wschat.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's running totals. {@link LongAdder}s: many threads add at once without contending
 * on one memory location, and nothing on the message path takes a lock for them.
 */
public final class Metrics {

    final LongAdder messagesIn = new LongAdder();
    final LongAdder messagesOut = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder slowConsumerCloses = new LongAdder();
    final LongAdder rejectedOrigins = new LongAdder();
    final LongAdder rejectedHosts = new LongAdder();

    /** A WebSocket handshake was refused because of its {@code Origin}. */
    public void originRejected() {
        rejectedOrigins.increment();
    }

    /** A WebSocket handshake was refused because its {@code Host} is not in {@code wschat.allowedHosts}. */
    public void hostRejected() {
        rejectedHosts.increment();
    }
}
