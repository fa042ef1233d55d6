package org.socialvp.wschat.cluster;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * Carries already encoded frames between the servers of a cluster over Redis pub/sub (see
 * docs/SCALE-OUT.md): a channel per room for what every viewer of the room gets, a channel per
 * server for direct messages to its viewers.
 *
 * <p>Order: everything a server publishes goes through one connection, in the order it is
 * published, and every server receives through one subscriber connection, in the order Redis
 * sends; so what one sender sends one receiver arrives in the order it was sent.
 *
 * <p>Broadcasts are published without waiting for Redis; everything else waits for its answer
 * (the client library gives up after the URL's timeout). Not thread-safe: {@link RedisCluster}
 * calls it from its one Redis thread.
 */
public final class RedisBus implements AutoCloseable {

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
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    /** The rooms whose channel this server is subscribed to, or was when Redis went away. */
    private final Set<String> subscribed = new HashSet<>();

    /**
     * @param commands the connection to publish on, shared with the directory so that claims and
     *        frames reach Redis in the order they were made
     * @param delivery where frames from the other servers go, on the subscriber's thread, one at a time
     */
    public RedisBus(RedisClient client, StatefulRedisConnection<String, String> commands, String serverId,
            Receiver delivery) {
        this.serverId = serverId;
        this.commands = commands;
        this.subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String envelope) {
                receive(channel, envelope, delivery);
            }
        });
        try {
            subscriber.sync().subscribe(RedisKeys.SERVER_CHANNEL + serverId);
        } catch (RuntimeException e) {
            subscriber.close();
            throw e;
        }
    }

    /** Starts hearing what is sent to the viewers of {@code room}. */
    public void subscribe(String room) {
        subscriber.sync().subscribe(RedisKeys.BROADCAST_CHANNEL + room);
        subscribed.add(room);
    }

    /** Stops hearing {@code room}. */
    public void unsubscribe(String room) {
        subscriber.sync().unsubscribe(RedisKeys.BROADCAST_CHANNEL + room);
        subscribed.remove(room);
    }

    /**
     * After an outage (Redis may have restarted and forgotten every subscription): hears exactly
     * this server's own channel and {@code rooms}, whatever was subscribed before.
     */
    public void subscribeExactly(Set<String> rooms) {
        subscriber.sync().subscribe(RedisKeys.SERVER_CHANNEL + serverId);
        for (String room : rooms) {
            subscribe(room);
        }
        for (String room : new ArrayList<>(subscribed)) {
            if (!rooms.contains(room)) {
                unsubscribe(room);
            }
        }
    }

    /** Sends {@code frame} to the viewers of {@code room} on the other servers; does not wait. */
    public void broadcast(String room, String frame) {
        commands.async().publish(RedisKeys.BROADCAST_CHANNEL + room, serverId + '\n' + frame);
    }

    /**
     * Sends {@code frame} to the viewer called {@code name} in {@code room} on whichever server
     * holds it; {@code false} if no live server does.
     */
    public boolean message(String room, String name, String frame) {
        String envelope = room + '\n' + name + '\n' + frame;
        long sent = commands.sync().eval(MESSAGE, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name)}, RedisKeys.LEASE, RedisKeys.SERVER_CHANNEL, envelope);
        return sent == 1;
    }

    /** Closes the subscriber connection; the publishing one belongs to the caller. */
    @Override
    public void close() {
        subscriber.close();
    }

    private void receive(String channel, String envelope, Receiver delivery) {
        int first = envelope.indexOf('\n');
        if (channel.startsWith(RedisKeys.BROADCAST_CHANNEL)) {
            if (!envelope.substring(0, first).equals(serverId)) {
                delivery.toRoom(channel.substring(RedisKeys.BROADCAST_CHANNEL.length()), envelope.substring(first + 1));
            }
        } else {
            int second = envelope.indexOf('\n', first + 1);
            delivery.toName(envelope.substring(0, first), envelope.substring(first + 1, second),
                    envelope.substring(second + 1));
        }
    }
}
