package org.socialvp.wschat.broker;

import java.util.concurrent.TimeUnit;

/**
 * One rate limit of one connection: a token bucket, and a detector for sustained floods.
 *
 * <p>The bucket holds up to {@code burst} tokens and refills at {@code perSecond}; each incoming
 * frame takes its cost (1 for the message limit, its size for the byte limit), and a frame whose
 * cost the bucket cannot cover is {@link Verdict#REJECT rejected} (the broker answers it with 429
 * and drops it). Independently, the cost of incoming frames is counted per one-second window;
 * after {@value #FLOOD_SECONDS} consecutive windows at {@value #FLOOD_FACTOR}× the rate or more,
 * the verdict is {@link Verdict#FLOODING} and the broker closes the connection.
 *
 * <p>Not thread-safe, and needs not be: the container delivers one connection's messages one at a
 * time, and only that delivery touches the limiter. Time comes in as {@code System.nanoTime()}
 * values so tests can drive it.
 */
final class RateLimiter {

    static final int FLOOD_FACTOR = 10;
    static final int FLOOD_SECONDS = 5;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    enum Verdict { ALLOW, REJECT, FLOODING }

    private final double perNano;
    private final long burst;
    private final long floodThreshold;

    private double tokens;
    private long refilledAt;
    private long windowStart;
    private long windowCount;
    private int floodedWindows;

    RateLimiter(long perSecond, long burst, long now) {
        this.perNano = perSecond / (double) SECOND;
        this.burst = burst;
        this.floodThreshold = FLOOD_FACTOR * perSecond;
        this.tokens = burst;
        this.refilledAt = now;
        this.windowStart = now;
    }

    /** The verdict on a frame of cost 1 that arrived {@code now}. */
    Verdict onFrame(long now) {
        return onFrame(now, 1);
    }

    /** The verdict on a frame of {@code cost} that arrived {@code now}; its cost is taken only if allowed. */
    Verdict onFrame(long now, long cost) {
        countInWindow(now, cost);
        if (floodedWindows >= FLOOD_SECONDS) {
            return Verdict.FLOODING;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
        if (tokens >= cost) {
            tokens -= cost;
            return Verdict.ALLOW;
        }
        return Verdict.REJECT;
    }

    private void countInWindow(long now, long cost) {
        long windows = (now - windowStart) / SECOND;
        if (windows > 0) {
            boolean flooded = windows == 1 && windowCount >= floodThreshold;
            floodedWindows = flooded ? floodedWindows + 1 : 0;
            windowStart += windows * SECOND;
            windowCount = 0;
        }
        windowCount += cost;
    }
}
