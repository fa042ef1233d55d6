package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import org.socialvp.wschat.cluster.Cluster;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Writers;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * Once a second, on the housekeeping thread: pings, the identify and pong timeouts, suspended
 * sessions whose window ran out, outboxes stranded behind stuck writers, and the cluster's own
 * round (its lease, the dead servers).
 */
final class Housekeeping implements Runnable {

    static final long SWEEP_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());

    private final Registry registry;
    private final Departures departures;
    private final Writers writers;
    private final Cluster cluster;
    private final Sessions sessions;
    private final long identifyTimeout;
    private final long pingInterval;
    private final long pongTimeout;

    Housekeeping(Settings settings, Registry registry, Departures departures, Sessions sessions, Writers writers,
            Cluster cluster) {
        this.registry = registry;
        this.sessions = sessions;
        this.departures = departures;
        this.writers = writers;
        this.cluster = cluster;
        this.identifyTimeout = TimeUnit.SECONDS.toNanos(settings.identifyTimeoutSeconds());
        this.pingInterval = TimeUnit.SECONDS.toNanos(settings.pingIntervalSeconds());
        this.pongTimeout = TimeUnit.SECONDS.toNanos(settings.pongTimeoutSeconds());
    }

    @Override
    public void run() {
        writers.rescueStranded();
        cluster.housekeeping();
        long now = System.nanoTime();
        sessions.expire(now);
        for (Client client : registry.clients()) {
            try {
                if (!client.isIdentified() && now - client.connectedAt() > identifyTimeout) {
                    departures.close(client, Disconnect.IDENTIFY_TIMEOUT);
                } else if (client.pongOverdue(now, pongTimeout)) {
                    departures.close(client, Disconnect.NO_PONG);
                } else if (client.pingDue(now, pingInterval)) {
                    client.outbox().ping();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, client + " housekeeping failed", e);
            }
        }
    }
}
