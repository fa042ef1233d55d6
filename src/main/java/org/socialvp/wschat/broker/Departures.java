package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * Connections ending, however they end: the server closing one for a {@link Disconnect}, the
 * container reporting one closed, the server stopping. A client leaves exactly once: its name is
 * released (the others hear {@code quit}) and its place in the registry and its room is freed.
 */
final class Departures {

    private static final System.Logger LOG = System.getLogger(Departures.class.getName());

    private final Registry registry;
    private final Presence presence;
    private final Metrics metrics;

    Departures(Registry registry, Presence presence, Metrics metrics) {
        this.registry = registry;
        this.presence = presence;
        this.metrics = metrics;
    }

    /**
     * The server closes {@code client} because of {@code why}: logged, the client leaves at once,
     * and its outbox closes the connection as soon as it can.
     */
    void close(Client client, Disconnect why) {
        LOG.log(Level.INFO, () -> client + " closed " + why.code() + ": " + why.logText());
        if (why == Disconnect.SLOW_CONSUMER) {
            metrics.slowConsumerCloses.increment();
        }
        leave(client);
        client.outbox().close(why);
    }

    /** The container closed {@code client}'s connection (any reason, the server's own close included). */
    void closedByContainer(Client client, int code, String reason) {
        LOG.log(Level.DEBUG, () -> client + " closed: " + code + " " + reason);
        leave(client);
        client.outbox().closedByContainer();
    }

    /** Closes every connection with 1001; nobody here is sent {@code quit}: everyone is leaving. */
    void everyone(Disconnect why) {
        presence.stopping();
        for (Client client : registry.clients()) {
            leave(client);
            client.outbox().close(why);
        }
    }

    /** Releases the client's name and its place; idempotent. */
    void leave(Client client) {
        if (!client.leave()) {
            return;
        }
        String name = client.name();
        if (name != null) {
            presence.left(client, name);
        }
        registry.remove(client);
    }
}
