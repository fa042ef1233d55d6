package org.socialvp.wschat.broker;

import java.util.List;

/**
 * The other servers of a cluster, as the broker sees them: the one seam between the in-memory
 * broker and a shared engine (Redis, see docs/SCALE-OUT.md). The broker always does the local
 * part first — the local registry and local delivery, exactly as on one server — and then tells
 * the cluster. {@link #SINGLE}, the default, is a cluster of one: every call is free.
 *
 * <p>Frames cross the seam already encoded, as text: a broadcast is still encoded once.
 */
public interface Cluster {

    /** What became of a claim of a name in the cluster. */
    enum Claim {
        /** Nobody else holds it. */
        CLAIMED,
        /** A viewer on another, live server holds it: 305. */
        TAKEN,
        /** A viewer of a server that died held it; the caller announces that viewer's {@code quit}. */
        TAKEN_OVER
    }

    /**
     * What arrives from the other servers. {@link #toRoom} and {@link #toName} are called on one
     * thread, in the order the frames arrive; the announcements ({@link #freed}, {@link #reclaimed},
     * {@link #releasedUnheard}) on the cluster's own housekeeping thread.
     */
    interface Receiver {
        /** A frame for every identified viewer of {@code room} on this server. */
        void toRoom(String room, String frame);

        /** A frame for the viewer called {@code name} in {@code room}, if it is on this server. */
        void toName(String room, String name, String frame);

        /** {@code name} in {@code room} was held on a server that died: announce its {@code quit}. */
        void freed(String room, String name);

        /**
         * After an outage: {@code name}, held here all along, had been lost by the cluster and is
         * claimed again; tell the other servers' viewers it is there ({@code join}).
         */
        void reclaimed(String room, String name);

        /**
         * After an outage: {@code name} was given up here while the other servers could not hear
         * it; tell their viewers ({@code quit}).
         */
        void releasedUnheard(String room, String name);
    }

    /** No other servers. */
    Cluster SINGLE = new Cluster() {
        @Override
        public void start(Receiver receiver) {
        }

        @Override
        public Claim claim(String room, String name) {
            return Claim.CLAIMED;
        }

        @Override
        public void release(String room, String name) {
        }

        @Override
        public void opened(String room) {
        }

        @Override
        public void closed(String room) {
        }

        @Override
        public void broadcast(String room, String frame) {
        }

        @Override
        public boolean message(String room, String name, String frame) {
            return false;
        }

        @Override
        public List<String> names(String room) {
            return null;
        }

        @Override
        public void housekeeping() {
        }

        @Override
        public String state() {
            return "single";
        }

        @Override
        public void shutdown() {
        }
    };

    /** Starts taking part, delivering what arrives from the others to {@code receiver}. */
    void start(Receiver receiver);

    /** Claims {@code name} in {@code room} cluster-wide, after the local registry granted it. */
    Claim claim(String room, String name);

    /** Gives up {@code name} in {@code room}, after the local registry released it. */
    void release(String room, String name);

    /** A connection to {@code room} opened on this server. */
    void opened(String room);

    /** A connection to {@code room} closed on this server. */
    void closed(String room);

    /** Sends {@code frame} to the viewers of {@code room} on the other servers. */
    void broadcast(String room, String frame);

    /** Sends {@code frame} to {@code name} in {@code room} on another server; {@code false} if nowhere. */
    boolean message(String room, String name, String frame);

    /** Every name held in {@code room} cluster-wide, sorted; {@code null} to use the local names. */
    List<String> names(String room);

    /** Once a second on the housekeeping thread: keep this server's lease, free the names of dead ones. */
    void housekeeping();

    /** {@code single}, {@code connected} or {@code disconnected}, for the status page. */
    String state();

    /** Stops taking part; this server's names become free. */
    void shutdown();
}
