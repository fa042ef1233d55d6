package org.socialvp.wschat.broker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A second thread for a test to race its own next step against: {@link #soon} runs an action
 * there after a random spin of up to a given time, so that over many rounds the two meet at every
 * point of each other's work (as a container's thread reporting a close meets a read thread's
 * command).
 */
final class Race implements AutoCloseable {

    private final ExecutorService other = Executors.newSingleThreadExecutor();

    /** Starts {@code action} on the other thread after spinning for up to {@code maxNanos}. */
    Future<?> soon(long maxNanos, Runnable action) {
        long spin = ThreadLocalRandom.current().nextLong(maxNanos);
        return other.submit(() -> {
            for (long end = System.nanoTime() + spin; System.nanoTime() < end; ) {
                Thread.onSpinWait();
            }
            action.run();
        });
    }

    @Override
    public void close() {
        other.shutdownNow();
    }
}
