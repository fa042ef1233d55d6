package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * Connections ending, however they end: the server closing one for a {@link Disconnect}, the
 * container reporting one closed, the server stopping. A connection leaves exactly once: its name
 * is released (the others hear {@code quit}) and its place in the registry and its room is freed —
 * unless it carries a resumable session and ended as a lost link would (no close frame from the
 * client, a missed pong, a failed write): then the session is suspended and the viewer stays
 * (see {@link Sessions}).
 */
final class Departures {

    private static final System.Logger LOG = System.getLogger(Departures.class.getName());
    /** What the containers report when a connection ended without a close frame: a reset, an EOF. */
    private static final int NO_CLOSE_FRAME = 1006;

    private final Registry registry;
    private final Presence presence;
    private final Sessions sessions;
    private final Metrics metrics;

    Departures(Registry registry, Presence presence, Sessions sessions, Metrics metrics) {
        this.registry = registry;
        this.presence = presence;
        this.sessions = sessions;
        this.metrics = metrics;
    }

    /**
     * The server closes {@code client} because of {@code why}: logged, the client leaves at once
     * (or its session is suspended, for a lost link), and its outbox closes the connection as soon
     * as it can.
     */
    void close(Client client, Disconnect why) {
        LOG.log(Level.INFO, () -> client + " closed " + why.code() + ": " + why.logText());
        if (why == Disconnect.SLOW_CONSUMER) {
            metrics.slowConsumerCloses.increment();
        }
        depart(client, why.mayResume());
        client.outbox().close(why);
    }

    /**
     * The site's backend removes {@code client} (PROTOCOL.md §13): its session, if any, ends, even
     * while suspended (name released, {@code quit} sent), and a live connection is closed with
     * 1008 {@code removed}.
     */
    void remove(Client client) {
        Session session = client.session();
        Client connection = client;
        if (session != null) {
            sessions.end(session, "removed through the server API");
            connection = session.client(); // a resume may have just moved it; ended, it stays where it is
        }
        if (!connection.isGone()) {
            close(connection, Disconnect.REMOVED);
        }
    }

    /** The container closed {@code client}'s connection (any reason, the server's own close included). */
    void closedByContainer(Client client, int code, String reason) {
        LOG.log(Level.DEBUG, () -> client + " closed: " + code + " " + reason);
        metrics.closed(code);
        depart(client, code == NO_CLOSE_FRAME);
        client.outbox().closedByContainer();
    }

    /** Closes every connection with 1001; nobody here is sent {@code quit}: everyone is leaving. */
    void everyone(Disconnect why) {
        presence.stopping();
        for (Client client : registry.clients()) {
            depart(client, false);
            client.outbox().close(why);
        }
    }

    /**
     * The connection is gone (once): with {@code mayResume} and a live session it is suspended,
     * the viewer kept; otherwise the session (if any) ends and the name is released.
     */
    private void depart(Client client, boolean mayResume) {
        if (!client.leave()) {
            return;
        }
        if (mayResume && sessions.suspend(client)) {
            LOG.log(Level.DEBUG, () -> client + " suspended, waiting for a resume");
            registry.disconnect(client);
            return;
        }
        sessions.forget(client);
        String name = client.name();
        if (name != null) {
            presence.left(client, name);
        }
        registry.remove(client);
    }
}
