package org.socialvp.wschat.broker;

import org.socialvp.wschat.outbox.Utf8;

/**
 * The two rate limits of one connection: messages per second and bytes per second, each a
 * {@link RateLimiter} (either may be off). A frame is judged by both, so that neither many small
 * messages nor a few huge ones can push unbounded traffic through a room.
 *
 * <p>Touched only by the connection's read thread, like the limiters it holds.
 */
final class FloodControl {

    enum Verdict {
        ALLOW,
        /** Over the message rate: answered 429 and dropped. */
        TOO_MANY_MESSAGES,
        /** Over the byte rate: answered 429 and dropped. */
        TOO_MANY_BYTES,
        /** At ten times either rate for five seconds: the connection is closed. */
        FLOODING
    }

    /** {@code null} when that limit is off. */
    private final RateLimiter messages;
    private final RateLimiter bytes;

    FloodControl(RateLimiter messages, RateLimiter bytes) {
        this.messages = messages;
        this.bytes = bytes;
    }

    /** The verdict on {@code message}, which arrived {@code now}; its UTF-8 size is counted only if bytes are limited. */
    Verdict admit(long now, String message) {
        RateLimiter.Verdict byCount = messages == null ? RateLimiter.Verdict.ALLOW : messages.onFrame(now);
        RateLimiter.Verdict bySize = bytes == null ? RateLimiter.Verdict.ALLOW : bytes.onFrame(now, Utf8.length(message));
        if (byCount == RateLimiter.Verdict.FLOODING || bySize == RateLimiter.Verdict.FLOODING) {
            return Verdict.FLOODING;
        }
        if (byCount == RateLimiter.Verdict.REJECT) {
            return Verdict.TOO_MANY_MESSAGES;
        }
        return bySize == RateLimiter.Verdict.REJECT ? Verdict.TOO_MANY_BYTES : Verdict.ALLOW;
    }
}
