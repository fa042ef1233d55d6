package org.socialvp.wschat.broker;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Everything the server writes to one connection goes through its outbox: a FIFO queue drained by
 * exactly one asynchronous send at a time.
 *
 * <p><b>Why.</b> Tomcat throws {@code IllegalStateException: TEXT_FULL_WRITING} when two sends
 * overlap on one session, even asynchronous ones, and a blocking send to a client that stopped
 * reading would stall the sender's thread. Here any thread may {@link #offer} a frame without
 * blocking and without holding a lock; whichever thread wins the {@code sending} flag starts the
 * next send, and the completion of each send starts the one after it. Frames from one sender are
 * offered in the order that sender produced them, and the queue keeps that order: per
 * sender→receiver delivery is FIFO and gap-free.
 *
 * <p><b>Completions, wherever they come from.</b> Tomcat reports a send's completion on another
 * thread; Tyrus (Payara) often reports it on the sending thread, before {@code sendText} returns.
 * Each send therefore gets its own {@link Send} token, and the drain is a loop: a send completed
 * before {@code sendText} returned is accounted for by the loop, never by a nested call, so a long
 * queue cannot grow the stack.
 *
 * <p><b>Written together.</b> Where the container can batch (Tomcat), a backlog of frames is
 * handed to the writer threads ({@link Writers}), which write every queued frame into the
 * container's output buffer and flush once: under load, one write carries many frames instead of one write and one
 * completion per frame. Those writes block while the peer's socket is full, which is why they run
 * on writer threads only; when every writer is stuck on such a peer, the drain is done here,
 * frame by frame, asynchronously — slower, never blocking. Tyrus (Payara) has no batching and
 * always takes the asynchronous way.
 *
 * <p><b>Bounded.</b> The bytes waiting (queued plus in flight) may not exceed
 * {@code maxQueuedBytes}; the frame that would pass the bound is refused and the owner's
 * {@code overflow} action runs (the broker closes the client with 1013). Nobody else waits.
 *
 * <p><b>Closing.</b> {@link #close} drops what is still queued, lets the send in flight finish,
 * then closes the session with the given reason on the housekeeping executor (Tomcat's close
 * writes the close frame with a blocking write). A send that does not finish within the grace
 * period is abandoned and the session closed anyway, so a client that never reads again cannot
 * keep its connection.
 *
 * <p><b>Class loaders.</b> Calls into the container run with the container's class loader as the
 * thread's context loader: Tomcat's worker pool creates its threads with the creating thread's
 * context loader, and a worker created while the WAR's loader was current would hold on to the
 * WAR after an undeploy.
 */
final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private static final ClassLoader CONTAINER_LOADER = Session.class.getClassLoader();

    /** Frames written per batch before the queue, pings and closes are looked at again. */
    private static final int MAX_BATCH = 256;

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic basic;
    private final long maxQueuedBytes;
    private final ScheduledExecutorService housekeeping;
    private final Writers writers;
    /** Whether the container batches writes; if not, frames always go one by one. */
    private final boolean batching;
    private final long closeGraceMillis;
    private final Runnable overflow;

    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Held by the one thread that may start a send; released when no send is in flight. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean pingWanted = new AtomicBoolean();
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    /** The forced close at the end of the grace period, cancelled once the session is closed. */
    private volatile ScheduledFuture<?> forcedClose;

    /**
     * @param batching whether the container batches writes (see {@link #canBatch}); if not,
     *        frames always go one by one, asynchronously
     */
    Outbox(Session session, boolean batching, long maxQueuedBytes, WorkerThreads threads, long closeGraceMillis,
            Runnable overflow) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.basic = session.getBasicRemote();
        this.maxQueuedBytes = maxQueuedBytes;
        this.housekeeping = threads.housekeeping;
        this.writers = threads.writers;
        this.closeGraceMillis = closeGraceMillis;
        this.overflow = overflow;
        this.batching = batching;
    }

    /**
     * Whether the container batches writes: Tomcat does when asked to, Tyrus accepts the call and
     * ignores it. A property of the container, so asked once, of its first session.
     */
    static boolean canBatch(Session session) {
        RemoteEndpoint.Basic basic = session.getBasicRemote();
        try {
            basic.setBatchingAllowed(true);
            boolean batches = basic.getBatchingAllowed();
            basic.setBatchingAllowed(false); // nothing buffered yet: no write
            return batches;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Queues {@code frame} behind every frame offered before it.
     *
     * @return {@code false} if the outbox is closed or the frame would overflow it (the overflow
     *         action has then been run)
     */
    boolean offer(Frame frame) {
        return offer(frame, false);
    }

    /**
     * Like {@link #offer}, but the frame is written by a writer thread, never by the caller (where
     * the container can batch): for the one thread that relays every frame from the other servers
     * of a cluster, which would otherwise write to each of this server's viewers itself, one after
     * the other.
     */
    boolean offerForWriters(Frame frame) {
        return offer(frame, true);
    }

    private boolean offer(Frame frame, boolean forWriters) {
        if (closeReason.get() != null) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.size()) > maxQueuedBytes) {
            queuedBytes.addAndGet(-frame.size());
            overflow.run();
            return false;
        }
        queue.add(frame);
        pump(forWriters);
        return true;
    }

    /** Asks for a ping to be written before the next queued frame. */
    void ping() {
        pingWanted.set(true);
        pump();
    }

    /**
     * Stops accepting frames, drops the queued ones and closes the session with {@code reason}
     * once the send in flight (if any) is done. Only the first call counts.
     */
    void close(CloseReason reason) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        queue.clear();
        try {
            forcedClose = housekeeping.schedule(this::closeSession, closeGraceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The WAR is stopping; the container closes what is left.
        }
        pump();
    }

    /**
     * Drains the queue while no send is in flight. Returns when the queue is empty or a send is
     * pending (its completion drains on). The loop re-checks after releasing the flag so that a
     * frame offered between the last poll and the release is not left behind.
     */
    private void pump() {
        pump(false);
    }

    /** @param forWriters whether even a lone frame goes to a writer (see {@link #offerForWriters}) */
    private void pump(boolean forWriters) {
        while (sending.compareAndSet(false, true)) {
            if (batching && (forWriters || backlogged()) && writers.submit(this)) {
                return; // the writer owns the flag now
            }
            if (!drain()) {
                return; // a send is in flight and owns the flag
            }
            sending.set(false);
            if (!workWaiting()) {
                return;
            }
        }
    }

    private boolean workWaiting() {
        return !queue.isEmpty() || pingWanted.get() || closeReason.get() != null;
    }

    /**
     * Whether more than one frame waits (nothing is in flight while the flag is free, so the bytes
     * waiting beyond the head frame are other frames). A lone frame goes out asynchronously at
     * once; batching pays only for a backlog, which forms exactly when sends cannot keep up.
     */
    private boolean backlogged() {
        Frame head = queue.peek();
        return head != null && queuedBytes.get() > head.size();
    }

    /**
     * Given back by {@link Writers} (every writer stuck): sends what is queued asynchronously,
     * holding the {@code sending} flag as the writer would have.
     */
    void writeAsynchronously() {
        if (drain()) {
            sending.set(false);
            if (workWaiting()) {
                pump();
            }
        }
    }

    /** Runs on a writer thread, holding the {@code sending} flag, until nothing is left to write. */
    void writeInBatches() {
        do {
            if (!writeBatches()) {
                return; // closing for good: the flag stays taken
            }
            sending.set(false);
        } while (workWaiting() && sending.compareAndSet(false, true));
    }

    /**
     * Writes everything queued, {@value #MAX_BATCH} frames per flush, with blocking writes.
     *
     * @return {@code true} once the queue is empty, {@code false} if the outbox is closing
     */
    private boolean writeBatches() {
        while (true) {
            if (closeReason.get() != null) {
                runLater(this::closeSession);
                return false;
            }
            if (pingWanted.getAndSet(false)) {
                writePing();
                continue;
            }
            if (queue.isEmpty()) {
                return true;
            }
            try {
                basic.setBatchingAllowed(true);
                Frame next;
                for (int n = 0; n < MAX_BATCH && closeReason.get() == null && (next = queue.poll()) != null; n++) {
                    basic.sendText(next.text());
                    queuedBytes.addAndGet(-next.size());
                }
                basic.setBatchingAllowed(false); // writes what is still buffered
            } catch (IOException e) {
                abandonBatch();
                broken(e);
                return false;
            } catch (RuntimeException e) {
                abandonBatch();
                refused(e);
                broken(e);
                return false;
            }
        }
    }

    /**
     * Leaves batching mode after a failed write. The container clears the mode before it tries
     * (and here fails) to flush, so the close that follows does not try again and log the
     * failure as a warning with a stack trace.
     */
    private void abandonBatch() {
        try {
            basic.setBatchingAllowed(false);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "unsent batch dropped: " + e);
        }
    }

    /**
     * Sends while frames are queued, holding the {@code sending} flag.
     *
     * @return {@code true} if everything queued was sent (the caller releases the flag),
     *         {@code false} if a send is still in flight or the outbox is closing for good
     */
    private boolean drain() {
        while (true) {
            if (closeReason.get() != null) {
                // Keep the flag: nothing is ever sent again on this session.
                runLater(this::closeSession);
                return false;
            }
            if (pingWanted.getAndSet(false)) {
                writePing();
                continue;
            }
            Frame next = queue.poll();
            if (next == null) {
                return true;
            }
            Send send = new Send(next);
            ClassLoader previous = enterContainer();
            try {
                remote.sendText(next.text(), send);
            } catch (RuntimeException e) {
                refused(e);
                send.onResult(new SendResult(e));
            } finally {
                leaveContainer(previous);
            }
            if (!send.returned()) {
                return false;
            }
            if (!finish(send)) {
                return false;
            }
        }
    }

    /**
     * Accounts for a completed send. On failure the outbox closes (the connection is broken).
     *
     * @return whether the send succeeded
     */
    private boolean finish(Send send) {
        queuedBytes.addAndGet(-send.frame.size());
        if (!send.result.isOK()) {
            broken(send.result.getException());
            return false;
        }
        return true;
    }

    /** A write failed: the connection is broken. Nothing more is sent; the session is closed. */
    private void broken(Throwable cause) {
        LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " send failed: " + cause);
        closeReason.compareAndSet(null, new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "send failed"));
        queue.clear();
        runLater(this::closeSession);
    }

    /** A completion reported after {@code sendText} returned: account for it and drain on. */
    private void completedLater(Send send) {
        if (finish(send)) {
            sending.set(false);
            pump();
        }
    }

    /**
     * A send the container refused. Routine when the peer closed between our offer and the
     * container's close notification (the session, or its remote endpoint, says it is closed);
     * anything else — an overlapping send above all — would be a bug in this class, and is logged.
     */
    private void refused(RuntimeException e) {
        boolean closing = !session.isOpen() || String.valueOf(e.getMessage()).contains("closed");
        if (closing) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " send after close: " + e);
        } else {
            LOG.log(Level.WARNING, "conn=" + session.getId() + " send refused by the container", e);
        }
    }

    private void writePing() {
        ClassLoader previous = enterContainer();
        try {
            remote.sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " ping failed: " + e);
        } finally {
            leaveContainer(previous);
        }
    }

    private void runLater(Runnable action) {
        try {
            housekeeping.execute(action);
        } catch (RejectedExecutionException shuttingDown) {
            action.run();
        }
    }

    private void closeSession() {
        ScheduledFuture<?> pending = forcedClose;
        if (pending != null) {
            pending.cancel(false);
        }
        CloseReason reason = closeReason.get();
        if (!session.isOpen()) {
            return;
        }
        ClassLoader previous = enterContainer();
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " close failed: " + e);
        } finally {
            leaveContainer(previous);
        }
    }

    private static ClassLoader enterContainer() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CONTAINER_LOADER);
        return previous;
    }

    private static void leaveContainer(ClassLoader previous) {
        Thread.currentThread().setContextClassLoader(previous);
    }

    /**
     * One send and its completion. Whichever comes second of "sendText returned" and "completion
     * reported" decides who carries on: the sending loop if the completion came first, the
     * completion otherwise.
     */
    private final class Send implements SendHandler {

        private static final int IN_CALL = 0;
        private static final int RETURNED = 1;
        private static final int COMPLETED = 2;

        private final Frame frame;
        private final AtomicInteger state = new AtomicInteger(IN_CALL);
        private volatile SendResult result;

        Send(Frame frame) {
            this.frame = frame;
        }

        @Override
        public void onResult(SendResult sendResult) {
            result = sendResult;
            if (!state.compareAndSet(IN_CALL, COMPLETED) && state.compareAndSet(RETURNED, COMPLETED)) {
                completedLater(this);
            }
        }

        /** Called once sendText returned; {@code true} if the send had already completed. */
        boolean returned() {
            return !state.compareAndSet(IN_CALL, RETURNED);
        }
    }
}
