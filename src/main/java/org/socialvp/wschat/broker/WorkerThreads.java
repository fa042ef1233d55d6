package org.socialvp.wschat.broker;

import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The only threads the WAR starts, all stopped (and joined) by {@link #shutdown}:
 *
 * <ul>
 *   <li>{@link #housekeeping}: one thread for pings, timeouts and closes;</li>
 *   <li>{@link #writers}: a few threads that write batches of queued frames ({@link Writers}).</li>
 * </ul>
 *
 * Threads are daemons, named {@code wschat-…}, and run with the container's class loader as their
 * context loader so that nothing they cause the container to create keeps the WAR's loader alive.
 */
final class WorkerThreads {

    /** One writer per core: writing is CPU work (and system calls); more threads only contend. */
    static final int WRITERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    final ScheduledThreadPoolExecutor housekeeping;
    final Writers writers;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    WorkerThreads() {
        housekeeping = new ScheduledThreadPoolExecutor(1, factory("wschat-housekeeping"));
        housekeeping.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        housekeeping.setRemoveOnCancelPolicy(true);
        writers = new Writers(WRITERS, factory("wschat-writer"));
    }

    /** Stops both pools and waits for every thread they started to exit. */
    void shutdown() {
        housekeeping.shutdown();
        writers.stop();
        try {
            if (!housekeeping.awaitTermination(10, TimeUnit.SECONDS)) {
                housekeeping.shutdownNow();
            }
            // A pool reports termination a moment before its threads have exited.
            for (Thread thread : started) {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            housekeeping.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private ThreadFactory factory(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setContextClassLoader(Session.class.getClassLoader());
            started.add(thread);
            return thread;
        };
    }
}
