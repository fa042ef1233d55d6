package org.socialvp.wschat.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import org.socialvp.wschat.cluster.NameDirectory.Claim;

/**
 * Who holds which name, across every server of a cluster, kept in Redis (see docs/SCALE-OUT.md).
 * A server is alive while its lease key exists; a name belongs to a server, and a name whose
 * server has no lease is free. Every change of ownership is one Lua script, so it is atomic in
 * Redis however many servers race.
 */
public final class RedisDirectory {

    /**
     * KEYS: name key, room set, my owned set. ARGV: my id, room NUL name, lease prefix, owned prefix, name.
     * Returns 0 taken by a live server, 1 claimed (or mine already), 2 taken over from a dead server.
     */
    private static final String CLAIM = """
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[3] .. owner) == 1 then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[5])
            redis.call('SADD', KEYS[3], ARGV[2])
            if owner and owner ~= ARGV[1] then
              redis.call('SREM', ARGV[4] .. owner, ARGV[2])
              return 2
            end
            return 1
            """;

    /** KEYS: name key, room set, my owned set. ARGV: my id, room NUL name, name. */
    private static final String RELEASE = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[3])
            redis.call('SREM', KEYS[3], ARGV[2])
            return 1
            """;

    /** KEYS: the room set. ARGV: name key prefix for the room, lease prefix. The names whose server is alive. */
    private static final String NAMES = """
            local alive = {}
            for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local owner = redis.call('GET', ARGV[1] .. name)
              if owner and redis.call('EXISTS', ARGV[2] .. owner) == 1 then
                table.insert(alive, name)
              end
            end
            return alive
            """;

    /**
     * KEYS: the dead server's lease key, its owned set, the servers set, its reaped marker. ARGV:
     * its id, name key prefix, room set prefix, how long the marker lasts (ms).
     * Frees every name the dead server still holds, forgets the server and leaves the marker (in
     * case it was only cut off and comes back); returns the freed {@code room NUL name} pairs.
     * Does nothing if the lease has come back.
     */
    private static final String REAP = """
            if redis.call('EXISTS', KEYS[1]) == 1 then
              return {}
            end
            local freed = {}
            for _, entry in ipairs(redis.call('SMEMBERS', KEYS[2])) do
              local cut = string.find(entry, '\\0', 1, true)
              local room = string.sub(entry, 1, cut - 1)
              local name = string.sub(entry, cut + 1)
              local key = ARGV[2] .. room .. ':' .. name
              if redis.call('GET', key) == ARGV[1] then
                redis.call('DEL', key)
                redis.call('SREM', ARGV[3] .. room, name)
                table.insert(freed, entry)
              end
            end
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[3], ARGV[1])
            redis.call('SET', KEYS[4], '1', 'PX', ARGV[4])
            return freed
            """;

    /** How long a reaped server's marker waits for it to come back. */
    private static final long REAPED_MARKER_MILLIS = 24 * 60 * 60 * 1000L;

    private final RedisCommands<String, String> redis;
    private final String serverId;
    private final long leaseMillis;

    /**
     * @param redis a connection's synchronous commands
     * @param serverId this server's id, unique in the cluster
     * @param leaseMillis how long this server counts as alive after each {@link #renewLease}
     */
    public RedisDirectory(RedisCommands<String, String> redis, String serverId, long leaseMillis) {
        this.redis = redis;
        this.serverId = serverId;
        this.leaseMillis = leaseMillis;
    }

    /**
     * Marks this server alive for another lease period.
     *
     * @return whether Redis still had the lease: if not, it has lost this server's state (it
     *         restarted empty, or the others reaped this server) and the server must converge
     */
    public boolean renewLease() {
        String previous = redis.setGet(RedisKeys.lease(serverId), "1", SetArgs.Builder.px(leaseMillis));
        redis.sadd(RedisKeys.SERVERS, serverId);
        return previous != null;
    }

    /** This server stops: its lease ends now, so its names are free and reaped at once. */
    public void leave() {
        redis.del(RedisKeys.lease(serverId));
    }

    /** Claims {@code name} in {@code room} for this server. */
    public Claim claim(String room, String name) {
        long result = redis.eval(CLAIM, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name), RedisKeys.room(room), RedisKeys.owned(serverId)},
                serverId, new RoomName(room, name).entry(), RedisKeys.LEASE, RedisKeys.OWNED, name);
        return result == 0 ? Claim.TAKEN : result == 2 ? Claim.TAKEN_OVER : Claim.CLAIMED;
    }

    /** Gives up {@code name} in {@code room} if this server holds it; whether it did. */
    public boolean release(String room, String name) {
        long result = redis.eval(RELEASE, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name), RedisKeys.room(room), RedisKeys.owned(serverId)},
                serverId, new RoomName(room, name).entry(), name);
        return result == 1;
    }

    /** The names held in {@code room} by live servers, sorted; one round trip. */
    public List<String> names(String room) {
        List<String> names = redis.eval(NAMES, ScriptOutputType.MULTI, new String[] {RedisKeys.room(room)},
                RedisKeys.name(room, ""), RedisKeys.LEASE);
        return names.stream().sorted().toList();
    }

    /**
     * Whether the other servers reaped this server's names (and told their viewers {@code quit})
     * while it could not reach Redis; asking clears the mark.
     */
    public boolean wasReaped() {
        return redis.del(RedisKeys.reaped(serverId)) == 1;
    }

    /** Frees the names of every server whose lease has run out; what was freed, once cluster-wide. */
    public List<RoomName> reapDeadServers() {
        List<RoomName> freed = new ArrayList<>();
        for (String server : redis.smembers(RedisKeys.SERVERS)) {
            if (server.equals(serverId) || redis.exists(RedisKeys.lease(server)) == 1) {
                continue;
            }
            List<String> entries = redis.eval(REAP, ScriptOutputType.MULTI,
                    new String[] {RedisKeys.lease(server), RedisKeys.owned(server), RedisKeys.SERVERS,
                            RedisKeys.reaped(server)},
                    server, RedisKeys.NAME, RedisKeys.ROOM, Long.toString(REAPED_MARKER_MILLIS));
            entries.forEach(entry -> freed.add(RoomName.of(entry)));
        }
        return freed;
    }

}
