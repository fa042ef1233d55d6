package org.socialvp.wschat.outbox;

/**
 * Why a frame did not go out, as the {@link Peer} adapter judged it from the container's answer —
 * from the type of what it threw and the state of the session, never from the text of a message
 * (containers translate theirs).
 */
public final class SendFailure extends Exception {

    /** Whose doing a failed send was. */
    public enum Kind {
        /** The connection is broken (an I/O error): the peer has gone, nobody is at fault. */
        BROKEN,
        /** The container no longer sends on this session: it is closing, a routine race with a close. */
        CLOSED,
        /** The container refused the frame itself: a bug in WSChat, never the recipient's doing. */
        REFUSED
    }

    private final Kind kind;

    public SendFailure(Kind kind, Throwable cause) {
        super(kind + ": " + cause, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
