package org.socialvp.wschat.cluster;

/**
 * This server's part in a cluster of servers sharing their rooms: its {@link NameDirectory}, its
 * {@link Bus}, and the membership around them — joining, keeping its lease, leaving.
 * {@link LocalOnly} is a cluster of one; {@link RedisCluster} shares through Redis.
 */
public interface Cluster {

    NameDirectory directory();

    Bus bus();

    /** Starts taking part, delivering what arrives from the others to {@code receiver}. */
    void start(Receiver receiver);

    /** Once a second, on the broker's housekeeping thread: keep this server's lease, free the names of dead ones. Must not block. */
    void housekeeping();

    /** {@code single}, {@code connected} or {@code disconnected}, for the status page. */
    String state();

    /** Stops taking part; this server's names become free. */
    void shutdown();
}
