package org.socialvp.wschat.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A cluster of servers sharing their rooms through Redis ({@code wschat.redisUrl}), built from
 * {@link RedisDirectory} (who holds which name) and {@link RedisBus} (frames between servers).
 *
 * <p>When Redis cannot be reached — at startup or later — every call falls back to what a single
 * server does (names unique locally, frames stay local), the state turns {@code disconnected}
 * and that is logged once. The housekeeping call, once a second, connects (the first time), renews
 * this server's lease and, when Redis answers again, converges: it subscribes exactly the rooms
 * this server has viewers in, tells the others of the names given up meanwhile ({@code quit}),
 * claims its viewers' names again and announces those Redis had lost ({@code join}).
 *
 * <p>Every call to Redis, and all the bookkeeping above, is done on one thread of the WAR's own,
 * {@code wschat-redis}: calls reach Redis in the order the broker made them, the bookkeeping needs
 * no locks, and the thread-locals the client library (Netty) leaves behind stay off the
 * container's threads and end with the WAR.
 */
public final class RedisCluster implements Cluster, NameDirectory, Bus {

    private static final System.Logger LOG = System.getLogger(RedisCluster.class.getName());

    /** A server without a renewed lease for this long is dead; its names are freed. */
    static final long LEASE_MILLIS = 10_000;
    /** How long a command or a connection attempt may take before Redis counts as unreachable. */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** The longest a viewer's thread waits for the Redis thread (which may be busy timing out). */
    private static final long CALL_TIMEOUT_SECONDS = 5;

    private final String serverId = UUID.randomUUID().toString();
    private final RedisURI uri;
    private final AtomicBoolean connected = new AtomicBoolean(false);
    /** Whether the present outage has been logged (once per outage). */
    private final AtomicBoolean outageLogged = new AtomicBoolean(false);
    /** Whether a housekeeping round is waiting for the Redis thread (one at a time is enough). */
    private final AtomicBoolean housekeepingQueued = new AtomicBoolean(false);

    // Touched on the Redis thread only.
    private ClientResources resources;
    private RedisClient client;
    private Receiver receiver;
    /** The connection, once Redis has answered for the first time. */
    private Link link;
    /** The rooms this server has connections in: the rooms to hear. */
    private final Set<String> rooms = new HashSet<>();
    /** This server's names, and what the others missed of them during an outage. */
    private final OutageLedger ledger = new OutageLedger();

    /** The thread of {@link #redisThread}, joined on shutdown: the executor's termination comes just before it ends. */
    private volatile Thread redisThreadItself;
    private final ExecutorService redisThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "wschat-redis");
        thread.setDaemon(true);
        redisThreadItself = thread;
        return thread;
    });

    /** One connection for commands and publishing, the directory and the bus over it. */
    private record Link(StatefulRedisConnection<String, String> connection, RedisDirectory directory, RedisBus bus) {

        void close() {
            bus.close();
            connection.close();
        }
    }

    public RedisCluster(String redisUrl) {
        uri = RedisURI.create(redisUrl);
        uri.setTimeout(REDIS_TIMEOUT);
    }

    @Override
    public NameDirectory directory() {
        return this;
    }

    @Override
    public Bus bus() {
        return this;
    }

    /** Tries Redis once; if it does not answer the server starts alone and keeps trying every second. */
    @Override
    public void start(Receiver receiver) {
        boolean up = call(() -> {
            this.receiver = receiver;
            // Lettuce waits up to 30 s between reconnection attempts by default; a second is enough.
            resources = ClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build();
            client = RedisClient.create(resources, uri);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(SocketOptions.builder().connectTimeout(REDIS_TIMEOUT).build())
                    .build());
            keepHouse();
            return connected.get();
        }, false);
        if (up) {
            LOG.log(Level.INFO, () -> "WSChat cluster member " + serverId + " connected to Redis at " + where());
        }
    }

    /** Unreachable Redis: granted, as on one server (the local registry has already said yes). */
    @Override
    public Claim claim(String room, String name) {
        return call(() -> {
            Claim claim = withRedis(link -> link.directory().claim(room, name), null);
            if (claim != Claim.TAKEN) {
                ledger.claimed(new RoomName(room, name), claim != null);
            }
            return claim == null ? Claim.CLAIMED : claim;
        }, Claim.CLAIMED);
    }

    /** Does not wait: done before anything the broker asks later (a claim of the same name too). */
    @Override
    public void release(String room, String name) {
        onRedisThread(() -> ledger.released(new RoomName(room, name),
                withRedis(link -> link.directory().release(room, name))));
    }

    /**
     * Does not wait: the room is heard before the new viewer's claim (which waits, behind it)
     * lets anything be addressed to the viewer.
     */
    @Override
    public void roomOpened(String room) {
        onRedisThread(() -> {
            rooms.add(room);
            withRedis(link -> link.bus().subscribe(room));
        });
    }

    /** Does not wait. */
    @Override
    public void roomClosed(String room) {
        onRedisThread(() -> {
            rooms.remove(room);
            withRedis(link -> link.bus().unsubscribe(room));
        });
    }

    /**
     * Does not wait: published after everything the broker asked before (the announcements of a
     * convergence too, which run once it has finished), and dropped while Redis is away.
     */
    @Override
    public void publish(String room, String frame) {
        onRedisThread(() -> {
            if (connected.get()) {
                withRedis(link -> link.bus().broadcast(room, frame));
            }
        });
    }

    @Override
    public Reach sendTo(String room, String name, String frame) {
        return call(() -> withRedis(link -> link.bus().message(room, name, frame) ? Reach.DELIVERED : Reach.NOBODY,
                Reach.UNAVAILABLE), Reach.UNAVAILABLE);
    }

    @Override
    public Optional<List<String>> names(String room) {
        return call(() -> withRedis(link -> Optional.of(link.directory().names(room)), Optional.<List<String>>empty()),
                Optional.empty());
    }

    /** Does not wait, so that a slow Redis never holds up the broker's pings and closes. */
    @Override
    public void housekeeping() {
        if (housekeepingQueued.compareAndSet(false, true)) {
            onRedisThread(() -> {
                housekeepingQueued.set(false);
                keepHouse();
            });
        }
    }

    @Override
    public String state() {
        return connected.get() ? "connected" : "disconnected";
    }

    @Override
    public void shutdown() {
        try {
            call(() -> {
                disconnect();
                return null;
            }, null);
        } finally {
            redisThread.shutdown();
            try {
                if (!redisThread.awaitTermination(10, TimeUnit.SECONDS)) {
                    redisThread.shutdownNow();
                }
                Thread thread = redisThreadItself;
                if (thread != null) {
                    thread.join(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On the Redis thread: connects if never connected, renews the lease, converges after an outage, reaps the dead. */
    private void keepHouse() {
        if (link == null) {
            link = connect();
        }
        withRedis(link -> {
            boolean stateKept = link.directory().renewLease();
            if (!connected.get() || !stateKept) { // an outage, or a restart too quick to be noticed as one
                converge(link);
                connected.set(true);
            }
            for (RoomName freed : link.directory().reapDeadServers()) {
                receiver.freed(freed.room(), freed.name());
            }
        });
    }

    /** The first connection; {@code null} (and noted) if Redis does not answer. */
    private Link connect() {
        StatefulRedisConnection<String, String> connection;
        try {
            connection = client.connect();
        } catch (RuntimeException e) {
            unreachable(e);
            return null;
        }
        try {
            RedisDirectory directory = new RedisDirectory(connection.sync(), serverId, LEASE_MILLIS);
            return new Link(connection, directory, new RedisBus(client, connection, serverId, receiver));
        } catch (RuntimeException e) {
            connection.close();
            unreachable(e);
            return null;
        }
    }

    /**
     * Redis answers again (or for the first time), and may have restarted empty: hear exactly this
     * server's rooms, announce the names given up meanwhile, claim the held names again and
     * announce those the others have not heard of — claimed meanwhile, or all of them if the
     * others reaped this server (and told their viewers {@code quit}) while it was cut off.
     */
    private void converge(Link link) {
        OutageLedger.Plan plan = ledger.plan(link.directory().wasReaped());
        link.bus().subscribeExactly(rooms);
        for (RoomName left : plan.release()) {
            link.directory().release(left.room(), left.name());
            receiver.releasedUnheard(left.room(), left.name());
        }
        for (RoomName held : plan.reclaim()) {
            if (link.directory().claim(held.room(), held.name()) == Claim.TAKEN) {
                LOG.log(Level.WARNING, () -> "room=" + held.room() + ": a name held here was taken on another "
                        + "server while Redis was unreachable; both viewers keep it until one leaves");
            } else if (plan.announce().contains(held)) {
                receiver.reclaimed(held.room(), held.name());
            }
        }
        ledger.converged();
        if (outageLogged.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, () -> "Redis at " + where() + " is reachable: rooms are shared with the other servers again");
        }
    }

    private void disconnect() throws Exception {
        if (link != null) {
            try {
                link.directory().leave();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "Redis not told of the shutdown: " + e);
            }
            link.close();
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
            resources.shutdown(0, 5, TimeUnit.SECONDS).get(); // its threads end before the WAR does
        }
    }

    /**
     * On the Redis thread: {@code call} over the connection, or {@code fallback} — what a single
     * server would answer — if there is no connection yet or Redis does not answer (noted).
     */
    private <T> T withRedis(Function<Link, T> call, T fallback) {
        if (link == null) {
            return fallback;
        }
        try {
            return call.apply(link);
        } catch (RuntimeException e) {
            unreachable(e);
            return fallback;
        }
    }

    /** On the Redis thread: {@code action} over the connection; whether it ran (see the other {@code withRedis}). */
    private boolean withRedis(Consumer<Link> action) {
        return withRedis(link -> {
            action.accept(link);
            return true;
        }, false);
    }

    /**
     * Runs {@code work} on the Redis thread, after everything submitted before it, and waits for
     * it; {@code fallback} if it fails or the thread does not get to it in time.
     */
    private <T> T call(Callable<T> work, T fallback) {
        try {
            return redisThread.submit(work).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            unreachable(new IllegalStateException("the Redis thread did not answer within " + CALL_TIMEOUT_SECONDS + " s"));
            return fallback;
        } catch (ExecutionException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "Redis call failed, answering as a single server", e);
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    /** Runs {@code work} on the Redis thread without waiting; nothing if the WAR is stopping. */
    private void onRedisThread(Runnable work) {
        try {
            redisThread.execute(work);
        } catch (RejectedExecutionException stopping) {
            LOG.log(Level.DEBUG, () -> "Redis thread stopped, dropped: " + stopping);
        }
    }

    /** Redis does not answer: logged once per outage, and the status page says so. */
    private void unreachable(RuntimeException e) {
        connected.set(false);
        if (outageLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Redis at " + where() + " unreachable, serving local viewers only until it is back: " + e);
        }
    }

    private String where() {
        return uri.getHost() + ":" + uri.getPort();
    }
}
