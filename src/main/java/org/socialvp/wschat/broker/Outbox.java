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
 * <p><b>Bounded.</b> The bytes waiting (queued plus in flight) may not exceed
 * {@code maxQueuedBytes}; the frame that would pass the bound is refused and the owner's
 * {@code overflow} action runs (the broker closes the client with 1013). Nobody else waits.
 *
 * <p><b>Closing.</b> {@link #close} drops what is still queued, lets the send in flight finish,
 * then closes the session with the given reason on the housekeeping executor (Tomcat's close
 * writes the close frame with a blocking write). A send that does not finish within the grace
 * period is abandoned and the session closed anyway, so a client that never reads again cannot
 * keep its connection.
 */
final class Outbox implements SendHandler {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final long maxQueuedBytes;
    private final ScheduledExecutorService housekeeping;
    private final long closeGraceMillis;
    private final Runnable overflow;

    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Held by the one thread that may start a send; released when the send completes. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private final AtomicBoolean pingWanted = new AtomicBoolean();
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    /** Written and read only by the holder of {@code sending}. */
    private Frame inFlight;
    /** The forced close at the end of the grace period, cancelled once the session is closed. */
    private volatile ScheduledFuture<?> forcedClose;

    Outbox(Session session, long maxQueuedBytes, ScheduledExecutorService housekeeping,
            long closeGraceMillis, Runnable overflow) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.maxQueuedBytes = maxQueuedBytes;
        this.housekeeping = housekeeping;
        this.closeGraceMillis = closeGraceMillis;
        this.overflow = overflow;
    }

    /**
     * Queues {@code frame} behind every frame offered before it.
     *
     * @return {@code false} if the outbox is closed or the frame would overflow it (the overflow
     *         action has then been run)
     */
    boolean offer(Frame frame) {
        if (closeReason.get() != null) {
            return false;
        }
        if (queuedBytes.addAndGet(frame.size()) > maxQueuedBytes) {
            queuedBytes.addAndGet(-frame.size());
            overflow.run();
            return false;
        }
        queue.add(frame);
        pump();
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

    /** Whether {@link #close} was called or the connection failed. */
    boolean isClosed() {
        return closeReason.get() != null;
    }

    long queuedBytes() {
        return queuedBytes.get();
    }

    @Override
    public void onResult(SendResult result) {
        Frame done = inFlight;
        if (done == null) {
            return;
        }
        queuedBytes.addAndGet(-done.size());
        inFlight = null;
        sending.set(false);
        if (!result.isOK()) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " send failed: " + result.getException());
            close(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "send failed"));
            return;
        }
        pump();
    }

    /**
     * Starts the next send if none is in flight. The loop re-checks after releasing the flag so a
     * frame offered between the last poll and the release is not left behind.
     */
    private void pump() {
        while (sending.compareAndSet(false, true)) {
            if (closeReason.get() != null) {
                // Keep the flag: nothing is ever sent again on this session.
                try {
                    housekeeping.execute(this::closeSession);
                } catch (RejectedExecutionException shuttingDown) {
                    closeSession();
                }
                return;
            }
            if (pingWanted.getAndSet(false)) {
                writePing();
                sending.set(false);
                continue;
            }
            Frame next = queue.poll();
            if (next != null) {
                inFlight = next;
                try {
                    remote.sendText(next.text(), this);
                } catch (RuntimeException e) {
                    if (session.isOpen()) {
                        // Never expected: one send at a time is this class's whole point.
                        LOG.log(Level.WARNING, "conn=" + session.getId() + " send refused by the container", e);
                    } else {
                        // The peer closed between our offer and the container's close notification.
                        LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " send after close: " + e);
                    }
                    onResult(new SendResult(e));
                }
                return;
            }
            sending.set(false);
            if (queue.isEmpty() && !pingWanted.get() && closeReason.get() == null) {
                return;
            }
        }
    }

    private void writePing() {
        try {
            remote.sendPing(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " ping failed: " + e);
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
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " close failed: " + e);
        }
    }
}
