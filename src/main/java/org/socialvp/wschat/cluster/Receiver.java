package org.socialvp.wschat.cluster;

/**
 * What arrives from the other servers, for this server's viewers. {@link #toRoom} and
 * {@link #toName} are called on one thread, in the order the frames arrive; the announcements
 * ({@link #freed}, {@link #reclaimed}, {@link #releasedUnheard}) on the cluster's own thread.
 */
public interface Receiver {

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

    /** After an outage: {@code name} was given up here while the others could not hear it; tell them ({@code quit}). */
    void releasedUnheard(String room, String name);
}
