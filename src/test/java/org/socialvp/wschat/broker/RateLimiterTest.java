package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.broker.RateLimiter.Verdict;

class RateLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long START = 1_000_000_000_000L;

    @Test
    void aBurstIsAllowedThenFramesAreRejected() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        Map<Verdict, Integer> verdicts = count(limiter, START, 300, 0);
        assertEquals(100, verdicts.get(Verdict.ALLOW));
        assertEquals(200, verdicts.get(Verdict.REJECT));
    }

    @Test
    void tokensComeBackAtTheConfiguredRate() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        count(limiter, START, 100, 0);
        assertEquals(Verdict.REJECT, limiter.onFrame(START));
        // 50 per second: one token every 20 ms.
        assertEquals(Verdict.ALLOW, limiter.onFrame(START + 20 * MS));
        assertEquals(Verdict.REJECT, limiter.onFrame(START + 21 * MS));
        Map<Verdict, Integer> afterASecond = count(limiter, START + 1021 * MS, 60, 0);
        assertEquals(50, afterASecond.get(Verdict.ALLOW), "one second refills 50, not more");
    }

    @Test
    void theBucketNeverHoldsMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        Map<Verdict, Integer> verdicts = count(limiter, START + TimeUnit.HOURS.toNanos(1), 150, 0);
        assertEquals(100, verdicts.get(Verdict.ALLOW));
    }

    @Test
    void aSteadySenderWithinTheLimitIsNeverRejected() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        Map<Verdict, Integer> verdicts = count(limiter, START, 50 * 60, 20 * MS);
        assertEquals(50 * 60, verdicts.get(Verdict.ALLOW));
    }

    @Test
    void floodingAtTenTimesTheRateForFiveSecondsIsDetected() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        long gap = 2 * MS; // 500 frames per second
        long now = START;
        for (int i = 0; i < 500 * 5; i++, now += gap) {
            assertEquals(false, limiter.onFrame(now) == Verdict.FLOODING, "flood declared early, frame " + i);
        }
        assertEquals(Verdict.FLOODING, limiter.onFrame(now));
    }

    @Test
    void aFloodThatPausesStartsCountingAgain() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        long now = START;
        for (int i = 0; i < 500 * 4; i++, now += 2 * MS) {
            limiter.onFrame(now);
        }
        now += TimeUnit.SECONDS.toNanos(3);
        for (int i = 0; i < 500 * 4; i++, now += 2 * MS) {
            assertEquals(false, limiter.onFrame(now) == Verdict.FLOODING, "frame " + i);
        }
    }

    @Test
    void nineTimesTheRateIsNotAFlood() {
        RateLimiter limiter = new RateLimiter(50, 100, START);
        long gap = TimeUnit.SECONDS.toNanos(1) / 450;
        long now = START;
        for (int i = 0; i < 450 * 20; i++, now += gap) {
            assertEquals(false, limiter.onFrame(now) == Verdict.FLOODING, "frame " + i);
        }
    }

    private static Map<Verdict, Integer> count(RateLimiter limiter, long from, int frames, long gap) {
        Map<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
        for (Verdict verdict : Verdict.values()) {
            verdicts.put(verdict, 0);
        }
        for (int i = 0; i < frames; i++) {
            verdicts.merge(limiter.onFrame(from + i * gap), 1, Integer::sum);
        }
        return verdicts;
    }
}
