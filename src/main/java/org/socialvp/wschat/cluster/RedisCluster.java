package org.socialvp.wschat.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.socialvp.wschat.broker.Cluster;

/**
 * A cluster of servers sharing their rooms through Redis ({@code wschat.redisUrl}), built from
 * {@link RedisDirectory} (who holds which name) and {@link RedisBus} (frames between servers).
 *
 * <p>When Redis cannot be reached every call falls back to what a single server does — names are
 * unique locally, frames stay local — and the state turns {@code disconnected}, logged once. Only
 * the housekeeping call (once a second) turns it back: it renews this server's lease and claims
 * its viewers' names again; the client library subscribes again by itself.
 *
 * <p>Every call to Redis is made on one thread of the WAR's own, {@code wschat-redis}: calls reach
 * Redis in the order the broker made them, and the thread-locals the client library (Netty)
 * leaves behind stay off the container's threads and end with the WAR.
 */
public final class RedisCluster implements Cluster {

    private static final System.Logger LOG = System.getLogger(RedisCluster.class.getName());

    /** A server without a renewed lease for this long is dead; its names are freed. */
    static final long LEASE_MILLIS = 10_000;
    /** The longest a viewer's thread waits for a call to Redis (the client gives up after 2 s). */
    private static final long CALL_TIMEOUT_SECONDS = 5;

    private final String serverId = UUID.randomUUID().toString();
    private final RedisURI uri;
    private RedisClient client;
    private final AtomicBoolean connected = new AtomicBoolean(true);
    private StatefulRedisConnection<String, String> connection;
    private RedisDirectory directory;
    private RedisBus bus;
    private Receiver receiver;
    /** The names this server's viewers hold: claimed again after an outage. */
    private final Set<RoomName> claims = ConcurrentHashMap.newKeySet();
    /** The thread of {@link #redisThread}, joined on shutdown: the executor's termination comes just before it ends. */
    private volatile Thread redisThreadItself;
    private final ExecutorService redisThread = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "wschat-redis");
        thread.setDaemon(true);
        redisThreadItself = thread;
        return thread;
    });

    public RedisCluster(String redisUrl) {
        uri = RedisURI.create(redisUrl);
        uri.setTimeout(Duration.ofSeconds(2));
    }

    @Override
    public void start(Receiver receiver) {
        onRedisThread(() -> {
            connect(receiver);
            return null;
        });
        LOG.log(Level.INFO, () -> "WSChat cluster member " + serverId + " connected to Redis");
    }

    private void connect(Receiver receiver) {
        this.receiver = receiver;
        client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        connection = client.connect();
        directory = new RedisDirectory(connection.sync(), serverId, LEASE_MILLIS);
        bus = new RedisBus(client, serverId, receiver);
        directory.renewLease();
    }

    /** Unreachable Redis: granted, as on one server (the local registry has already said yes). */
    @Override
    public Claim claim(String room, String name) {
        Claim claim = orElse(() -> directory.claim(room, name), Claim.CLAIMED);
        if (claim != Claim.TAKEN) {
            claims.add(new RoomName(room, name));
        }
        return claim;
    }

    @Override
    public void release(String room, String name) {
        claims.remove(new RoomName(room, name));
        orElse(() -> directory.release(room, name), false);
    }

    @Override
    public void opened(String room) {
        orElse(() -> {
            bus.join(room);
            return null;
        }, null);
    }

    @Override
    public void closed(String room) {
        orElse(() -> {
            bus.leave(room);
            return null;
        }, null);
    }

    @Override
    public void broadcast(String room, String frame) {
        if (connected.get()) {
            redisThread.execute(() -> {
                try {
                    bus.broadcast(room, frame);
                } catch (RuntimeException e) {
                    unreachable(e);
                }
            });
        }
    }

    /** Unreachable Redis: only local viewers can be reached, so 404. */
    @Override
    public boolean message(String room, String name, String frame) {
        return orElse(() -> bus.message(room, name, frame), false);
    }

    /** Unreachable Redis: {@code null}, the local names. */
    @Override
    public List<String> names(String room) {
        return orElse(() -> directory.names(room), null);
    }

    @Override
    public void housekeeping() {
        orElse(() -> {
            directory.renewLease();
            if (reachable()) {
                claimAgain();
            }
            for (RoomName freed : directory.reapDeadServers()) {
                receiver.freed(freed.room(), freed.name());
            }
            return null;
        }, null);
    }

    @Override
    public String state() {
        return connected.get() ? "connected" : "disconnected";
    }

    @Override
    public void shutdown() {
        try {
            onRedisThread(() -> {
                disconnect();
                return null;
            });
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

    private void disconnect() {
        try {
            directory.leave();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, () -> "Redis not told of the shutdown: " + e);
        }
        bus.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
    }

    /**
     * Runs a call to Redis on the Redis thread and waits for it; if Redis cannot be reached,
     * notes it and answers {@code fallback}, what a single server would.
     */
    private <T> T orElse(Callable<T> call, T fallback) {
        try {
            return onRedisThread(call);
        } catch (RuntimeException e) {
            unreachable(e);
            return fallback;
        }
    }

    /** Runs {@code call} on the Redis thread, after everything submitted before it, and waits for it. */
    private <T> T onRedisThread(Callable<T> call) {
        try {
            return redisThread.submit(call).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Redis within " + CALL_TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Redis", e);
        }
    }

    /** Whether Redis has just become reachable again. */
    private boolean reachable() {
        if (connected.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "Redis is reachable again: rooms are shared with the other servers again");
            return true;
        }
        return false;
    }

    /**
     * After an outage (Redis may have restarted empty): claims this server's names again. A name
     * claimed meanwhile on another server stays with both viewers until one of them leaves; logged.
     */
    private void claimAgain() {
        for (RoomName held : claims) {
            if (directory.claim(held.room(), held.name()) == Claim.TAKEN) {
                LOG.log(Level.WARNING, () -> "room=" + held.room() + ": a name held here was taken on another server "
                        + "while Redis was unreachable; both viewers keep it until one leaves");
            }
        }
    }

    private void unreachable(RuntimeException e) {
        if (connected.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, "Redis unreachable, serving local viewers only until it is back: " + e);
        }
    }
}
