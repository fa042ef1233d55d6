package org.socialvp.wschat.outbox;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Who may start the next send on one connection: at most one holder at a time, because Tomcat
 * refuses overlapping sends on a session ({@code IllegalStateException: TEXT_FULL_WRITING}) and
 * frames must leave in order.
 *
 * <p>{@code FREE → HELD} ({@link #acquire}), {@code HELD → FREE} ({@link #release}),
 * {@code HELD → RETIRED} ({@link #retire}: the connection is closing, nothing is ever sent again).
 * Any other transition is a bug in the outbox and fails loudly.
 */
final class SendToken {

    enum State { FREE, HELD, RETIRED }

    private final AtomicReference<State> state = new AtomicReference<>(State.FREE);

    /** Takes the token if it is free; {@code true} if this caller now holds it. */
    boolean acquire() {
        return state.compareAndSet(State.FREE, State.HELD);
    }

    /** The holder gives the token back. */
    void release() {
        move(State.HELD, State.FREE);
    }

    /** The holder keeps the token for good: no send will ever start again. */
    void retire() {
        move(State.HELD, State.RETIRED);
    }

    State state() {
        return state.get();
    }

    private void move(State from, State to) {
        if (!state.compareAndSet(from, to)) {
            throw new IllegalStateException("send token " + state.get() + ", expected " + from + " to become " + to);
        }
    }
}
