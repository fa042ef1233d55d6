package org.socialvp.wschat.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Who holds which name in each room across every server: one half of the cluster seam (the other
 * is the {@link Bus}). The broker asks its own room first — names are unique on one server
 * without any directory — and then the directory, for the other servers.
 */
public interface NameDirectory {

    /** What became of a claim. */
    enum Claim {
        /**
         * Nobody else holds the name. Also the answer while the directory cannot be reached: the
         * server then serves its own viewers alone, and the claim is made known when it can.
         */
        CLAIMED,
        /** A viewer on another, live server holds it: 305. */
        TAKEN,
        /** A viewer of a server that died held it; the caller announces that viewer's {@code quit}. */
        TAKEN_OVER
    }

    /** Claims {@code name} in {@code room} for this server, after this server's room granted it. Waits for the answer. */
    Claim claim(String room, String name);

    /** Gives up {@code name} in {@code room}, after this server's room released it. Does not wait. */
    void release(String room, String name);

    /**
     * Every name held in {@code room} on all servers, sorted; empty when the directory cannot
     * answer (Redis away), and then only this server's own names are known.
     */
    Optional<List<String>> names(String room);
}
