package org.socialvp.wschat.protocol;

/** The outcome codes of the protocol (2013 document §3, PROTOCOL.md) with their default texts. */
public enum OutcomeCode {
    NOT_IDENTIFIED(10, false, "Please identify yourself!"),
    IDENTIFIED(300, true, "Identified successfully!"),
    RESUMED(301, true, "Resumed"),
    NAME_TAKEN(305, false, "Client with that name already exists!"),
    BAD_REQUEST(400, false, "Missing required request field!"),
    UNAUTHORIZED(401, false, "Unauthorized"),
    NO_SUCH_CLIENT(404, false, "No client with that name is currently connected!"),
    STATE_CHANGED(409, false, "State changed"),
    SESSION_GONE(410, false, "Session cannot be resumed"),
    STATE_TOO_LARGE(413, false, "Room state too large"),
    TOO_MANY_MESSAGES(429, false, "Too many messages");

    private final int code;
    private final boolean success;
    private final String message;

    OutcomeCode(int code, boolean success, String message) {
        this.code = code;
        this.success = success;
        this.message = message;
    }

    public int code() {
        return code;
    }

    public boolean success() {
        return success;
    }

    public String message() {
        return message;
    }
}
