package org.socialvp.wschat.outbox;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
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
public final class WorkerThreads {

    /** One writer per core: writing is CPU work (and system calls); more threads only contend. */
    static final int WRITERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final ScheduledThreadPoolExecutor housekeeping;
    private final Writers writers;
    private final List<Thread> started = new CopyOnWriteArrayList<>();

    private final ClassLoader containerLoader;

    /** @param containerLoader the context class loader every thread runs with (see the class comment) */
    public WorkerThreads(ClassLoader containerLoader) {
        this.containerLoader = containerLoader;
        housekeeping = new ScheduledThreadPoolExecutor(1, factory("wschat-housekeeping"));
        housekeeping.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        housekeeping.setRemoveOnCancelPolicy(true);
        writers = new Writers(WRITERS, factory("wschat-writer"));
    }

    /** The one thread for pings, timeouts and closes. */
    public ScheduledExecutorService housekeeping() {
        return housekeeping;
    }

    /** The batch writers. */
    public Writers writers() {
        return writers;
    }

    /** Stops both pools and waits for every thread they started to exit. */
    public void shutdown() {
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
            thread.setContextClassLoader(containerLoader);
            started.add(thread);
            return thread;
        };
    }
}
