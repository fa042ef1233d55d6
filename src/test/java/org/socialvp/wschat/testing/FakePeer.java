package org.socialvp.wschat.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.socialvp.wschat.outbox.Peer;
import org.socialvp.wschat.outbox.SendFailure;

/**
 * A scripted {@link Peer}: records what the write path asks of it, completes sends the way a
 * chosen container does, and fails or stalls when told to. For unit tests of the outbox and the
 * broker without a container.
 */
public final class FakePeer implements Peer {

    /** Where a send's completion is reported. */
    public enum Completes {
        /** On the sending thread, before {@code send} returns (as Tyrus often does). */
        INLINE,
        /** On another thread, after {@code send} returned (as Tomcat does). */
        LATER,
        /** Never: the send hangs, as to a peer that stopped reading. */
        NEVER
    }

    private static final AtomicInteger IDS = new AtomicInteger();
    private static final ExecutorService COMPLETIONS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fake-completion");
        thread.setDaemon(true);
        return thread;
    });

    private final String id = "fake-" + IDS.incrementAndGet();
    /** Bytes a batch may hold, 0 for a container that cannot batch. */
    private final int batchBytes;
    private volatile Completes completes;
    private final BlockingQueue<String> written = new LinkedBlockingQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final List<String> writtenAlone = new CopyOnWriteArrayList<>();
    private volatile SendFailure.Kind failNext;
    /** While set, writeBatch waits on it: a writer stuck on a peer that stopped reading. */
    private volatile CountDownLatch batchStall;
    private volatile Runnable hung;
    /** Run on the writing thread after each frame is recorded as written. */
    private volatile Consumer<String> afterWrite = text -> { };
    private volatile boolean open = true;
    private volatile int closeCode;
    private volatile String closeReason;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** A peer of a container that batches into a 64 KiB buffer, or one that cannot batch. */
    public FakePeer(Completes completes, boolean batching) {
        this(completes, batching ? 64 * 1024 : 0);
    }

    public FakePeer(Completes completes, int batchBytes) {
        this.completes = completes;
        this.batchBytes = batchBytes;
    }

    public void completes(Completes how) {
        completes = how;
    }

    /** The next send or batch fails with {@code kind}. */
    public void failNext(SendFailure.Kind kind) {
        failNext = kind;
    }

    /** Batches block until {@link #unstall}. */
    /**
     * Runs {@code action} on the writing thread after each frame is written, before the write
     * returns: for what a client does the instant a frame arrives (a reset racing the server's
     * next step).
     */
    public void afterEachWrite(Consumer<String> action) {
        afterWrite = action;
    }

    public void stallBatches() {
        batchStall = new CountDownLatch(1);
    }

    public void unstall() {
        CountDownLatch stall = batchStall;
        batchStall = null;
        if (stall != null) {
            stall.countDown();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void send(String text, Completion done) {
        if (inFlight.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        SendFailure.Kind failure = failNext;
        failNext = null;
        switch (completes) {
            case INLINE -> finish(text, failure, done);
            case LATER -> COMPLETIONS.execute(() -> finish(text, failure, done));
            case NEVER -> hung = () -> finish(text, failure, done);
        }
    }

    /** Completes the send that {@link Completes#NEVER} left hanging, on this thread. */
    public void completeHung() {
        Runnable pending = hung;
        hung = null;
        pending.run();
    }

    private void finish(String text, SendFailure.Kind failure, Completion done) {
        if (failure == null) {
            written.add(text);
        }
        inFlight.decrementAndGet();
        if (failure == null) {
            afterWrite.accept(text);
        }
        done.completed(failure == null ? null : new SendFailure(failure, new RuntimeException("scripted")));
    }

    @Override
    public int batchBytes() {
        return batchBytes;
    }

    @Override
    public void writeBatch(List<String> texts) throws SendFailure {
        writeBatch(texts, true);
    }

    private void writeBatch(List<String> texts, boolean batched) throws SendFailure {
        if (inFlight.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            CountDownLatch stall = batchStall;
            if (stall != null) {
                stall.await(30, TimeUnit.SECONDS);
            }
            SendFailure.Kind failure = failNext;
            failNext = null;
            if (failure != null) {
                throw new SendFailure(failure, new RuntimeException("scripted"));
            }
            batches.incrementAndGet();
            if (batched) {
                batchSizes.add(texts.size());
            }
            written.addAll(texts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            inFlight.decrementAndGet();
        }
        texts.forEach(afterWrite);
    }

    @Override
    public void writeAlone(String text) throws SendFailure {
        writeBatch(List.of(text), false);
        writtenAlone.add(text);
    }

    @Override
    public void ping() {
        pings.incrementAndGet();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close(int code, String reason) {
        if (open) {
            open = false;
            closeCode = code;
            closeReason = reason;
            closed.countDown();
        }
    }

    /** The next frame written, waiting up to five seconds; {@code null} if none came. */
    public String next() throws InterruptedException {
        return written.poll(5, TimeUnit.SECONDS);
    }

    /** Every frame written so far, taken. */
    public List<String> drain() {
        List<String> frames = new ArrayList<>();
        written.drainTo(frames);
        return frames;
    }

    /** Waits up to {@code seconds} for the write path to close this peer; whether it did. */
    public boolean awaitClose(long seconds) throws InterruptedException {
        return closed.await(seconds, TimeUnit.SECONDS);
    }

    public int closeCode() {
        return closeCode;
    }

    public String closeReason() {
        return closeReason;
    }

    /** How often a send or batch started while another was in flight: must stay 0. */
    public int overlaps() {
        return overlaps.get();
    }

    public int pings() {
        return pings.get();
    }

    public int batches() {
        return batches.get();
    }

    /** How many frames each batch carried, in the order written. */
    public List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    /** The frames written on their own, outside a batch ({@link #writeAlone}). */
    public List<String> writtenAlone() {
        return List.copyOf(writtenAlone);
    }
}
