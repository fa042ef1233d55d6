package org.socialvp.wschat.outbox;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A few threads that write queued frames in batches, with blocking writes (see {@link Outbox}).
 *
 * <p>Outboxes with frames to write wait in one shared queue; any free writer takes the next. Few
 * writers and one queue is what makes batching pay: while the writers are busy, more frames pile
 * up in each outbox, and the next write carries them all.
 *
 * <p><b>Never behind a stalled peer.</b> A blocking write waits while the peer's socket is full, so
 * a peer that stopped reading can hold a writer (until it reads, or its outbox overflows or its
 * pong is overdue and it is closed). A writer that has been in one write for longer than
 * {@link #STUCK_NANOS} counts as stuck. {@link #submit} refuses work when every writer is stuck —
 * the outbox then sends asynchronously, frame by frame, which never blocks — and
 * {@link #rescueStranded} (run by housekeeping) hands outboxes already queued back the same way.
 * So other viewers' frames are delayed by at most {@link #STUCK_NANOS} and a sweep, never by a
 * stalled peer's timeout.
 */
public final class Writers {

    static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final System.Logger LOG = System.getLogger(Writers.class.getName());

    private final Queue<Outbox> waiting = new ConcurrentLinkedQueue<>();
    private final Semaphore queued = new Semaphore(0);
    private final Writer[] writers;
    private volatile boolean stopped;

    Writers(int count, ThreadFactory factory) {
        writers = new Writer[count];
        for (int i = 0; i < count; i++) {
            writers[i] = new Writer();
            writers[i].thread = factory.newThread(writers[i]);
            writers[i].thread.start();
        }
    }

    /**
     * Queues {@code outbox} for a writer, which will call {@link Outbox#writeInBatches}.
     *
     * @return {@code false} if every writer is stuck (or stopped): the caller writes instead
     */
    boolean submit(Outbox outbox) {
        if (stopped || !anyWriterFree(System.nanoTime())) {
            return false;
        }
        waiting.add(outbox);
        queued.release();
        return true;
    }

    /** When every writer is stuck, gives the queued outboxes back to asynchronous sending. */
    public void rescueStranded() {
        if (anyWriterFree(System.nanoTime())) {
            return;
        }
        Outbox stranded;
        while ((stranded = waiting.poll()) != null) {
            queued.tryAcquire();
            stranded.sendAsynchronously();
        }
    }

    void stop() {
        stopped = true;
        queued.release(writers.length);
    }

    private boolean anyWriterFree(long now) {
        for (Writer writer : writers) {
            long since = writer.busySince;
            if (writer.thread.isAlive() && (since == 0 || now - since < STUCK_NANOS)) {
                return true;
            }
        }
        return false;
    }

    private final class Writer implements Runnable {

        private Thread thread;
        /** When the current write began, 0 while idle; read by {@link #anyWriterFree}. */
        private volatile long busySince;

        @Override
        public void run() {
            while (!stopped) {
                queued.acquireUninterruptibly();
                Outbox next = waiting.poll();
                if (next == null) {
                    continue;
                }
                busySince = System.nanoTime();
                try {
                    next.writeInBatches();
                } catch (RuntimeException e) {
                    // A bug, not a peer's doing: log it; the writer itself must live on.
                    LOG.log(System.Logger.Level.WARNING, "writer failed", e);
                } finally {
                    busySince = 0;
                }
            }
            // Whatever is still queued at shutdown goes out asynchronously (or is dropped by its close).
            Outbox left;
            while ((left = waiting.poll()) != null) {
                left.sendAsynchronously();
            }
        }
    }
}
