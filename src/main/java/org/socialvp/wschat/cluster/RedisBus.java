package org.socialvp.wschat.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Carries already encoded frames between the servers of a cluster over Redis pub/sub (see
 * docs/SCALE-OUT.md): a channel per room for what every viewer of the room gets, a channel per
 * server for direct messages to its viewers.
 *
 * <p>Order: everything a server publishes goes through one connection, in the order it is
 * published, and every server receives through one subscriber connection, in the order Redis
 * sends; so what one sender sends one receiver arrives in the order it was sent.
 */
public final class RedisBus implements AutoCloseable {

    /** Where frames from other servers go. Called on the subscriber's thread, one at a time. */
    public interface Delivery {
        /** A frame for every viewer of {@code room} on this server. */
        void toRoom(String room, String frame);

        /** A frame for the viewer called {@code name} in {@code room}, if it is on this server. */
        void toName(String room, String name, String frame);
    }

    private static final String ROOM_CHANNEL = RedisKeys.BROADCAST_CHANNEL;
    private static final String SERVER_CHANNEL = RedisKeys.SERVER_CHANNEL;
    private static final long COMMAND_TIMEOUT_SECONDS = 5;

    /**
     * KEYS: the name key. ARGV: lease prefix, channel prefix, envelope. Publishes the envelope to
     * the server whose viewer holds the name, if that server is alive; 0 if the name is nowhere.
     */
    private static final String MESSAGE = """
            local owner = redis.call('GET', KEYS[1])
            if not owner or redis.call('EXISTS', ARGV[1] .. owner) == 0 then
              return 0
            end
            redis.call('PUBLISH', ARGV[2] .. owner, ARGV[3])
            return 1
            """;

    private final String serverId;
    private final StatefulRedisConnection<String, String> commands;
    private final RedisAsyncCommands<String, String> async;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    /** Rooms this server has viewers in, with how many joins are outstanding. */
    private final ConcurrentHashMap<String, Integer> rooms = new ConcurrentHashMap<>();

    public RedisBus(RedisClient client, String serverId, Delivery delivery) {
        this.serverId = serverId;
        this.commands = client.connect();
        this.async = commands.async();
        this.subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String envelope) {
                receive(channel, envelope, delivery);
            }
        });
        await(subscriber.async().subscribe(SERVER_CHANNEL + serverId));
    }

    /** A viewer of this server joined {@code room}: subscribes to the room with the first. */
    public void join(String room) {
        rooms.compute(room, (r, n) -> {
            if (n == null) {
                await(subscriber.async().subscribe(ROOM_CHANNEL + r));
                return 1;
            }
            return n + 1;
        });
    }

    /** A viewer of this server left {@code room}: unsubscribes with the last. */
    public void leave(String room) {
        rooms.computeIfPresent(room, (r, n) -> {
            if (n == 1) {
                await(subscriber.async().unsubscribe(ROOM_CHANNEL + r));
                return null;
            }
            return n - 1;
        });
    }

    /** Sends {@code frame} to the viewers of {@code room} on the other servers; does not wait. */
    public void broadcast(String room, String frame) {
        async.publish(ROOM_CHANNEL + room, serverId + '\n' + frame);
    }

    /**
     * Sends {@code frame} to the viewer called {@code name} in {@code room} on whichever server
     * holds it; {@code false} if no live server does.
     */
    public boolean message(String room, String name, String frame) {
        String envelope = room + '\n' + name + '\n' + frame;
        Long sent = await(async.eval(MESSAGE, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name)}, RedisKeys.LEASE, SERVER_CHANNEL, envelope));
        return sent != null && sent == 1;
    }

    @Override
    public void close() {
        subscriber.close();
        commands.close();
    }

    private void receive(String channel, String envelope, Delivery delivery) {
        int first = envelope.indexOf('\n');
        if (channel.startsWith(ROOM_CHANNEL)) {
            if (!envelope.substring(0, first).equals(serverId)) {
                delivery.toRoom(channel.substring(ROOM_CHANNEL.length()), envelope.substring(first + 1));
            }
        } else {
            int second = envelope.indexOf('\n', first + 1);
            delivery.toName(envelope.substring(0, first), envelope.substring(first + 1, second),
                    envelope.substring(second + 1));
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for Redis", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Redis did not answer: " + e.getMessage(), e);
        }
    }
}
