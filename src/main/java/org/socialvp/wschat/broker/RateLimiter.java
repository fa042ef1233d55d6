package org.socialvp.wschat.broker;

import java.util.concurrent.TimeUnit;

/**
 * Flood control for one connection: a token bucket, and a detector for sustained floods.
 *
 * <p>The bucket holds up to {@code burst} tokens and refills at {@code perSecond}; each incoming
 * frame takes one, and a frame that finds the bucket empty is {@link Verdict#REJECT rejected}
 * (the broker answers it with 429 and drops it). Independently, incoming frames are counted per
 * one-second window; after {@value #FLOOD_SECONDS} consecutive windows at {@value #FLOOD_FACTOR}×
 * the rate or more, the verdict is {@link Verdict#FLOODING} and the broker closes the connection.
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
    private final int burst;
    private final long floodThreshold;

    private double tokens;
    private long refilledAt;
    private long windowStart;
    private long windowCount;
    private int floodedWindows;

    RateLimiter(int perSecond, int burst, long now) {
        this.perNano = perSecond / (double) SECOND;
        this.burst = burst;
        this.floodThreshold = (long) FLOOD_FACTOR * perSecond;
        this.tokens = burst;
        this.refilledAt = now;
        this.windowStart = now;
    }

    Verdict onFrame(long now) {
        countInWindow(now);
        if (floodedWindows >= FLOOD_SECONDS) {
            return Verdict.FLOODING;
        }
        tokens = Math.min(burst, tokens + (now - refilledAt) * perNano);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOW;
        }
        return Verdict.REJECT;
    }

    private void countInWindow(long now) {
        long windows = (now - windowStart) / SECOND;
        if (windows > 0) {
            boolean flooded = windows == 1 && windowCount >= floodThreshold;
            floodedWindows = flooded ? floodedWindows + 1 : 0;
            windowStart += windows * SECOND;
            windowCount = 0;
        }
        windowCount++;
    }
}
