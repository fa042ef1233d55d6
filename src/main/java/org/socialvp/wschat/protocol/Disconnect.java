package org.socialvp.wschat.protocol;

/**
 * Every way the server ends a connection (PROTOCOL.md §8): the close code, the reason phrase the
 * client receives, and what the log line says. Used wherever the server closes a connection, so
 * that the codes and phrases are written once.
 */
public enum Disconnect {
    INVALID_ROOM(1008, "invalid room", "invalid room name"),
    SERVER_FULL(1013, "server full", "more than wschat.maxConnections connections"),
    ROOM_FULL(1013, "room full", "more than wschat.maxConnectionsPerRoom connections in the room"),
    BINARY_FRAME(1003, "binary frames are not supported", "binary frame"),
    TOO_BIG(1009, "message too big", "message over wschat.maxMessageBytes"),
    FLOODING(1008, "flooding", "flooding at 10x a rate limit for 5 s"),
    IDENTIFY_TIMEOUT(1008, "identify timeout", "not identified within wschat.identifyTimeoutSeconds"),
    NO_PONG(1001, "no pong", "no pong within wschat.pongTimeoutSeconds"),
    SLOW_CONSUMER(1013, "slow consumer", "slow consumer, more than wschat.sendQueueMaxBytes waiting"),
    SHUTDOWN(1001, "server shutting down", "server shutting down"),
    /** A write failed: the connection is broken (the client is usually gone already). */
    SEND_FAILED(1006, "send failed", "send failed"),
    /** The third identify on one connection with a token refused (PROTOCOL.md §12). */
    UNAUTHORIZED(1008, "unauthorized", "three tokens refused on one connection"),
    /** The site's backend removed the viewer through the server API (PROTOCOL.md §13). */
    REMOVED(1008, "removed", "removed through the server API"),
    /** A new connection took the session over (PROTOCOL.md §9). */
    RESUMED_ELSEWHERE(1008, "resumed elsewhere", "the session was resumed on another connection"),
    /** The container refused a frame for the frame's own sake: a bug in WSChat, never the client's doing. */
    INTERNAL_ERROR(1011, "internal error", "the container refused a frame");

    private final int code;
    private final String reason;
    private final String logText;

    Disconnect(int code, String reason, String logText) {
        this.code = code;
        this.reason = reason;
        this.logText = logText;
    }

    /**
     * Whether the connection may have gone without the client knowing (a dead link, not a policy):
     * a resumable session then waits for a resume instead of ending (PROTOCOL.md §9).
     */
    public boolean mayResume() {
        return this == NO_PONG || this == SEND_FAILED;
    }

    /**
     * Whether the frames queued before the close still go out first: the 401 that answers the
     * refusal closing the connection (PROTOCOL.md §12). Every other close drops them — above all a
     * slow consumer's backlog.
     */
    public boolean sendsQueuedFirst() {
        return this == UNAUTHORIZED;
    }

    /** The WebSocket close code. */
    public int code() {
        return code;
    }

    /** The close frame's reason phrase, as the client sees it. */
    public String reason() {
        return reason;
    }

    /** What the server's log says about it. */
    public String logText() {
        return logText;
    }
}
