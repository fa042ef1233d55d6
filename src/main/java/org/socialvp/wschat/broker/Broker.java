package org.socialvp.wschat.broker;

import jakarta.json.spi.JsonProvider;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.socialvp.wschat.auth.TokenVerifier;
import org.socialvp.wschat.cluster.Cluster;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Peer;
import org.socialvp.wschat.outbox.WorkerThreads;
import org.socialvp.wschat.protocol.CommandDecoder;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * One deployment's broker: builds its roles and is what the endpoint and the operations side
 * talk to. Each rule of the protocol lives in the role named for it:
 *
 * <ul>
 *   <li>{@link Admission}: who may connect, and the init frame;</li>
 *   <li>{@link Inbound}: message parts, flood control, decoding;</li>
 *   <li>{@link Commands}: what each command does;</li>
 *   <li>{@link Presence}: {@code join} and {@code quit};</li>
 *   <li>{@link Departures}: every way a connection ends;</li>
 *   <li>{@link Sessions}: sessions that outlive a lost connection, and resuming them;</li>
 *   <li>{@link Housekeeping}: pings and timeouts, once a second;</li>
 *   <li>{@link ClusterRelay}: what the other servers send;</li>
 *   <li>{@link Delivery} and {@link Frames}: events encoded once, handed to outboxes.</li>
 * </ul>
 *
 * <p><b>Threads.</b> The container calls into a connection on its read thread, one message at a
 * time per connection, many connections at once. Nothing here takes a lock: rooms and names live
 * in concurrent maps, a name is claimed with one atomic {@code putIfAbsent}, and every frame goes
 * to the recipient's outbox, which never blocks. One housekeeping thread sends pings, enforces
 * the timeouts and performs closes; a few writer threads write batches of frames
 * ({@link WorkerThreads}).
 */
public final class Broker {

    public static final String LOBBY = "lobby";

    private final Settings settings;
    private final Cluster cluster;
    private final Metrics metrics = new Metrics();
    private final long startedAt = System.nanoTime();
    private final WorkerThreads threads;
    private final Frames frames;
    private final Registry registry;
    private final Departures departures;
    private final Admission admission;
    private final ServerApi api;

    /**
     * @param containerLoader the container's class loader, the context loader of the WAR's threads
     * @param cluster the other servers; {@link org.socialvp.wschat.cluster.LocalOnly} for none
     */
    public Broker(Settings settings, JsonProvider json, ClassLoader containerLoader, Cluster cluster) {
        this(settings, TokenVerifier.from(settings), json, containerLoader, cluster);
    }

    /**
     * @param tokens the check of viewers' tokens the settings ask for ({@link TokenVerifier#from})
     */
    public Broker(Settings settings, Optional<TokenVerifier> tokens, JsonProvider json, ClassLoader containerLoader,
            Cluster cluster) {
        this.settings = settings;
        this.cluster = cluster;
        this.threads = new WorkerThreads(containerLoader);
        this.frames = new Frames(json);
        this.registry = new Registry(new Rooms(settings.maxConnectionsPerRoom(), cluster.bus()));
        Delivery delivery = new Delivery(cluster.bus(), metrics);
        Presence presence = new Presence(delivery, frames, cluster.directory());
        Sessions sessions = new Sessions(settings, registry, presence, frames, metrics);
        this.departures = new Departures(registry, presence, sessions, metrics);
        StateWrites stateWrites = new StateWrites(settings, frames, delivery, metrics);
        Commands commands = new Commands(frames, delivery, presence, cluster.directory(), cluster.bus(),
                sessions, departures, stateWrites, new TokenGate(tokens, frames, delivery, departures, metrics));
        Inbound inbound = new Inbound(settings, new CommandDecoder(json, settings.maxJsonDepth()), frames, delivery,
                commands, departures, metrics);
        this.api = new ServerApi(registry.rooms(), frames, delivery, stateWrites, departures, cluster.directory(),
                cluster.bus());
        this.admission = new Admission(settings, registry, threads, frames, delivery, inbound, departures);
        cluster.start(new ClusterRelay(registry.rooms(), delivery, presence, frames));
        threads.housekeeping().scheduleWithFixedDelay(() -> presence.flushPending(registry.rooms()),
                settings.presenceBatchMillis(), settings.presenceBatchMillis(), TimeUnit.MILLISECONDS);
        threads.housekeeping().scheduleWithFixedDelay(
                new Housekeeping(settings, registry, departures, sessions, threads.writers(), cluster),
                Housekeeping.SWEEP_MILLIS, Housekeeping.SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    public Settings settings() {
        return settings;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** What the site's backend may do through the server API. */
    public ServerApi api() {
        return api;
    }

    /**
     * Admits a new connection to {@code room} and sends it its init frame.
     *
     * @return the connection, never {@code null}: a refused one is {@link Connection#NONE}
     */
    public Connection open(Peer peer, String room) {
        return admission.open(peer, room);
    }

    /** The figures of this moment; reads the registry without locking it. */
    public Status status() {
        Rooms rooms = registry.rooms();
        return new Status(
                registry.connections(),
                rooms.identifiedCount(),
                rooms.size(),
                metrics.messagesIn(),
                metrics.messagesOut(),
                metrics.slowConsumerCloses(),
                metrics.rateLimited(),
                metrics.rejectedOrigins(),
                metrics.rejectedHosts(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt),
                cluster.state(),
                rooms.largest(10));
    }

    /** Bytes waiting in every connection's outbox now; walks the connections (for a scrape, not a message). */
    public long queuedBytes() {
        long bytes = 0;
        for (Client client : registry.clients()) {
            bytes += client.outbox().queuedBytes();
        }
        return bytes;
    }

    /** Closes every connection with 1001 and stops the WAR's threads; none survives it. */
    public void shutdown() {
        departures.everyone(Disconnect.SHUTDOWN);
        cluster.shutdown();
        threads.shutdown();
        frames.close();
    }
}
