package org.socialvp.wschat.testing;

import java.util.function.Predicate;
import java.util.function.Supplier;

/** Reads something until it is as expected, for at most {@link ChatClient#PATIENCE}. */
public final class Eventually {

    private static final long PAUSE_MILLIS = 10;

    private Eventually() {
    }

    /**
     * Reads with {@code read} until {@code expected} holds and returns that value; fails with
     * {@code what} and the last value read once the patience is spent.
     */
    public static <T> T await(Supplier<T> read, Predicate<T> expected, String what) {
        long deadline = System.nanoTime() + ChatClient.PATIENCE.toNanos();
        T value = read.get();
        while (!expected.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " never came; last read: " + value);
            }
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = read.get();
        }
        return value;
    }
}
