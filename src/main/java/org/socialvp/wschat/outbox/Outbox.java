package org.socialvp.wschat.outbox;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * Everything the server writes to one connection goes through its outbox: a {@link FrameQueue}
 * drained by exactly one send at a time, the holder of the {@link SendToken}.
 *
 * <p><b>Why.</b> Tomcat refuses overlapping sends on one session, even asynchronous ones, and a
 * blocking send to a client that stopped reading would stall the sender's thread. Here any thread
 * may {@link #offer} a frame without blocking and without a lock; whichever thread takes the
 * token starts the next send, and the completion of each send starts the one after it. Frames
 * from one sender are offered in the order that sender produced them, and the queue keeps that
 * order: per sender→receiver delivery is FIFO and gap-free.
 *
 * <p><b>Completions, wherever they come from.</b> Tomcat reports a send's completion on another
 * thread; Tyrus (Payara) often on the sending thread, before {@code send} returns. Each send
 * therefore gets its own {@link Send}, and draining is a loop: a send completed before
 * {@code send} returned is accounted for by the loop, never by a nested call, so a long queue
 * cannot grow the stack.
 *
 * <p><b>Written together.</b> Where the container can batch (Tomcat), a backlog is handed to the
 * {@link Writers}, which write many frames per flush with blocking writes; a lone frame still
 * goes out asynchronously at once. When every writer is stuck on a peer that stopped reading, the
 * backlog goes out here, frame by frame, asynchronously — slower, never blocking.
 *
 * <p><b>Bounded.</b> The bytes waiting (queued plus in flight) may not pass the bound; the frame
 * that would is refused and the owner's {@code overflow} action runs (the broker closes the
 * client with 1013). Nobody else waits.
 *
 * <p><b>Closing.</b> {@link #close} drops what is queued (unless the reason
 * {@linkplain Disconnect#sendsQueuedFirst sends it first}), lets the send in flight finish, then
 * closes the connection on the housekeeping thread (a close writes the close frame with a
 * blocking write). A send that does not finish within the grace period is abandoned and the
 * connection closed anyway, so a client that never reads again cannot keep it.
 */
public final class Outbox {

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    /** Frames written per batch, at most, before pings and closes are looked at again. */
    static final int MAX_BATCH = 256;

    private final Peer peer;
    private final FrameQueue queue;
    private final SendToken token = new SendToken();
    /** {@code null} where the container cannot batch: then frames always go one by one. */
    private final Writers writers;
    /** The container's {@link Peer#batchBytes}: what one batch may hold. */
    private final int batchBytes;
    private final ScheduledExecutorService housekeeping;
    private final long closeGraceMillis;
    private final Runnable overflow;

    private final AtomicBoolean pingWanted = new AtomicBoolean();
    /** Who hears of pings ({@link #watchPings}), or {@code null}. */
    private volatile PingListener pings;
    /** The last frame taken from the queue to be written; touched by the token's holder only. */
    private Frame lastTaken;
    /** Set by the first close of any kind, at once with its reason; nothing is accepted after it. */
    private final AtomicReference<Closing> closing = new AtomicReference<>();
    /** The forced close at the end of the grace period, cancelled once the connection is closed. */
    private volatile ScheduledFuture<?> forcedClose;

    /**
     * @param writers the batch writers, used if the container can batch
     * @param batchBytes the container's {@link Peer#batchBytes}, 0 if it cannot batch (asked once
     *        per container, not per connection)
     * @param overflow what to do when a frame would pass {@code maxQueuedBytes}
     */
    public Outbox(Peer peer, long maxQueuedBytes, Writers writers, int batchBytes,
            ScheduledExecutorService housekeeping, long closeGraceMillis, Runnable overflow) {
        this.peer = peer;
        this.queue = new FrameQueue(maxQueuedBytes);
        this.writers = batchBytes > 0 ? writers : null;
        this.batchBytes = batchBytes;
        this.housekeeping = housekeeping;
        this.closeGraceMillis = closeGraceMillis;
        this.overflow = overflow;
    }

    /**
     * Queues {@code frame} behind every frame offered before it.
     *
     * @return {@code false} if the outbox is closing or the frame would overflow it (the overflow
     *         action has then been run)
     */
    public boolean offer(Frame frame) {
        return offer(frame, false);
    }

    /**
     * Queues {@code frame} behind every frame queued before it, without starting a send: for a
     * caller that holds a lock, which then calls {@link #pump} once it has let go of it.
     *
     * @return {@code false} if the outbox is closing or the frame would overflow it (then call
     *         {@link #overflowed}, without a lock held)
     */
    public boolean enqueue(Frame frame) {
        return !isClosing() && queue.add(frame);
    }

    /** Starts sending what {@link #enqueue} queued, if no send is under way. */
    public void pump() {
        pump(false);
    }

    /**
     * Like {@link #pump}, but a writer thread does the sending, never the caller (where the
     * container can batch): for the one thread that relays every frame from the other servers of a
     * cluster, which would otherwise write to each of this server's viewers itself in turn.
     */
    public void pumpByWriters() {
        pump(true);
    }

    /** Runs the overflow action, for a frame {@link #enqueue} refused because the outbox is full. */
    public void overflowed() {
        if (!isClosing()) {
            overflow.run();
        }
    }

    /** Tells {@code listener} of every ping written from now on. */
    public void watchPings(PingListener listener) {
        this.pings = listener;
    }

    /** Learns when a ping goes out, and after which frame: its pong proves that frame, and all before it, arrived. */
    @FunctionalInterface
    public interface PingListener {
        /** @param lastWritten the last frame written before the ping, {@code null} if none yet */
        void pinged(Frame lastWritten);
    }

    /** Asks for a ping to be written before the next queued frame. */
    public void ping() {
        pingWanted.set(true);
        pump(false);
    }

    /**
     * Stops accepting frames, drops the queued ones (or, if {@code why} sends them first, writes
     * them) and closes the connection for {@code why} once the send in flight (if any) is done.
     * Only the first close counts.
     */
    public void close(Disconnect why) {
        if (closing.compareAndSet(null, new Closing(why))) {
            startClosing();
        }
    }

    /** The container closed the connection: nothing more is sent, not even a close frame. */
    public void closedByContainer() {
        if (closing.compareAndSet(null, new Closing(null))) {
            startClosing();
        }
    }

    /** Bytes waiting for this connection, the frame in flight included. */
    public long queuedBytes() {
        return queue.bytes();
    }

    private boolean offer(Frame frame, boolean forWriters) {
        if (isClosing()) {
            return false;
        }
        if (!queue.add(frame)) {
            overflow.run();
            return false;
        }
        pump(forWriters);
        return true;
    }

    private boolean isClosing() {
        return closing.get() != null;
    }

    private void startClosing() {
        if (!closing.get().sendsQueuedFirst()) {
            queue.clear();
        }
        try {
            forcedClose = housekeeping.schedule(this::closeConnection, closeGraceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The WAR is stopping; the container closes what is left.
        }
        pump(false);
    }

    /**
     * Sends while no send is in flight. Returns when nothing waits or a send is pending (its
     * completion carries on). After giving the token back it looks again, so that a frame offered
     * between the last look and the release is not left behind.
     *
     * @param forWriters whether even a lone frame goes to a writer (see {@link #pumpByWriters})
     */
    private void pump(boolean forWriters) {
        while (token.acquire()) {
            if (writers != null && (forWriters || queue.backlogged()) && writers.submit(this)) {
                return; // the writer holds the token now
            }
            if (!sendEach()) {
                return; // a send in flight holds the token, or it is retired
            }
            token.release();
            if (!workWaiting()) {
                return;
            }
        }
    }

    private boolean workWaiting() {
        return !queue.isEmpty() || pingWanted.get() || isClosing();
    }

    /**
     * What the token's holder does before writing the next frames: if closing (and nothing queued
     * is still to go out first), retire the token (nothing is sent again) and close; if a ping is
     * wanted, send it first.
     *
     * @return {@code false} if the token is retired
     */
    private boolean choresDone() {
        Closing close = closing.get();
        if (close != null && (!close.sendsQueuedFirst() || queue.isEmpty())) {
            token.retire();
            runLater(this::closeConnection);
            return false;
        }
        if (pingWanted.getAndSet(false)) {
            PingListener listener = pings;
            if (listener != null) {
                listener.pinged(lastTaken);
            }
            peer.ping();
        }
        return true;
    }

    /**
     * Sends queued frames one by one, asynchronously, holding the token.
     *
     * @return {@code true} if everything queued was sent (the caller gives the token back),
     *         {@code false} if a send is still in flight or the token is retired
     */
    private boolean sendEach() {
        while (choresDone()) {
            Frame next = queue.poll();
            if (next == null) {
                return true;
            }
            lastTaken = next;
            Send send = new Send(next);
            peer.send(next.text(), send);
            if (!send.returned()) {
                return false; // its completion carries on
            }
            if (!finish(send)) {
                return false;
            }
        }
        return false;
    }

    /** Given back by {@link Writers} (every writer stuck): sends what is queued one by one, holding the token. */
    void sendAsynchronously() {
        if (sendEach()) {
            token.release();
            if (workWaiting()) {
                pump(false);
            }
        }
    }

    /** Runs on a writer thread, holding the token, until nothing is left to write. */
    void writeInBatches() {
        do {
            if (!writeBatches()) {
                return; // retired
            }
            token.release();
        } while (workWaiting() && token.acquire());
    }

    /**
     * Writes everything queued with blocking writes, in batches of at most {@value #MAX_BATCH}
     * frames that fit in the container's buffer together.
     *
     * <p>Why they must fit: frames that do not are written while the container is still gathering
     * (Tomcat's batching mode). If such a write fails — the viewer vanished — Tomcat closes the
     * session at once, and its close flushes the gathered frames again, fails again and logs a
     * warning with a stack trace; so does a close that the container's own thread notices while a
     * writer is blocked in such a write. A batch that fits is written by the flush at its end, after
     * the gathering is over, so a viewer that vanishes costs no more than the failed write (the
     * container's thread can still meet a batch in the instant it is gathered: in 40,000 viewers
     * dropped in churn, 22 such warnings against 108–148). A frame larger than the buffer goes alone,
     * outside batching mode.
     *
     * @return {@code true} once the queue is empty, {@code false} if the token is retired
     */
    private boolean writeBatches() {
        while (choresDone()) {
            List<Frame> batch = queue.poll(MAX_BATCH, batchBytes);
            if (batch.isEmpty()) {
                return true;
            }
            lastTaken = batch.get(batch.size() - 1);
            List<String> texts = new ArrayList<>(batch.size());
            long bytes = 0;
            for (Frame frame : batch) {
                texts.add(frame.text());
                bytes += frame.size();
            }
            try {
                if (FrameQueue.wireBytes(lastTaken) > batchBytes) {
                    peer.writeAlone(lastTaken.text()); // poll gives a frame this large a batch of its own
                } else {
                    peer.writeBatch(texts);
                }
            } catch (SendFailure failure) {
                queue.sent(bytes);
                failed(failure);
                return false;
            }
            queue.sent(bytes);
        }
        return false;
    }

    /**
     * Accounts for a completed send; on failure the outbox closes.
     *
     * @return whether the send succeeded
     */
    private boolean finish(Send send) {
        queue.sent(send.frame.size());
        if (send.failure != null) {
            failed(send.failure);
            return false;
        }
        return true;
    }

    /** A completion reported after {@code send} returned: account for it and carry on. */
    private void completedLater(Send send) {
        if (finish(send)) {
            token.release();
            pump(false);
        }
    }

    /**
     * A send failed, holding the token: nothing more is sent, and the connection is closed. A
     * broken or closing connection is routine; a frame the container refused for its own sake is
     * a bug in WSChat (the encoder guarantees sendable text), logged as such and never blamed on
     * the recipient.
     */
    private void failed(SendFailure failure) {
        Disconnect why;
        if (failure.kind() == SendFailure.Kind.REFUSED) {
            LOG.log(Level.WARNING, "conn=" + peer.id() + " frame refused by the container", failure.getCause());
            why = Disconnect.INTERNAL_ERROR;
        } else {
            LOG.log(Level.DEBUG, () -> "conn=" + peer.id() + " send failed: " + failure.getMessage());
            why = Disconnect.SEND_FAILED;
        }
        closing.compareAndSet(null, new Closing(why));
        queue.clear();
        token.retire();
        runLater(this::closeConnection);
    }

    private void runLater(Runnable action) {
        try {
            housekeeping.execute(action);
        } catch (RejectedExecutionException shuttingDown) {
            action.run();
        }
    }

    private void closeConnection() {
        ScheduledFuture<?> pending = forcedClose;
        if (pending != null) {
            pending.cancel(false);
        }
        Disconnect why = closing.get().why();
        if (why != null && peer.isOpen()) {
            peer.close(why.code(), why.reason());
        }
    }

    /** A close under way: why the server closes, or {@code null} if the container closed the connection. */
    private record Closing(Disconnect why) {

        boolean sendsQueuedFirst() {
            return why != null && why.sendsQueuedFirst();
        }
    }

    /** Whose turn it is to carry on after one send: see {@link Send#onDone} and {@link Send#returned}. */
    private enum Progress { IN_CALL, RETURNED, COMPLETED }

    /**
     * One send and its completion. Whichever comes second of "send returned" and "completion
     * reported" carries on: the sending loop if the completion came first, the completion
     * otherwise.
     */
    private final class Send implements Peer.Completion {

        private final Frame frame;
        private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.IN_CALL);
        private volatile SendFailure failure;

        Send(Frame frame) {
            this.frame = frame;
        }

        @Override
        public void completed(SendFailure failure) {
            this.failure = failure;
            if (progress.compareAndSet(Progress.IN_CALL, Progress.COMPLETED)) {
                return; // the sending loop will see it
            }
            if (progress.compareAndSet(Progress.RETURNED, Progress.COMPLETED)) {
                completedLater(this);
            } else {
                // Never thrown into the container's thread: a container that reports twice is logged, and ignored.
                LOG.log(Level.WARNING, "conn=" + peer.id() + " the container reported one send complete twice");
            }
        }

        /** Called once {@code send} returned; {@code true} if the send had already completed. */
        boolean returned() {
            return !progress.compareAndSet(Progress.IN_CALL, Progress.RETURNED);
        }
    }
}
