package org.socialvp.wschat.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;

/**
 * Who holds which name, across every server of a cluster, kept in Redis (see docs/SCALE-OUT.md).
 * A server is alive while its lease key exists; a name belongs to a server, and a name whose
 * server has no lease is free. Every change of ownership is one Lua script, so it is atomic in
 * Redis however many servers race.
 */
public final class RedisDirectory {

    /** What became of a claim. */
    public enum Claim {
        /** The name was free (or already this server's): it is ours. */
        CLAIMED,
        /** A live server holds it: 305. */
        TAKEN,
        /** A dead server held it: it is ours now, and its old holder needs a {@code quit}. */
        TAKEN_OVER
    }

    /** A name freed because its server died, to be announced with a {@code quit}. */
    public record Freed(String room, String name) { }

    /** KEYS: name key, room set, my owned set. ARGV: my id, room NUL name, lease prefix, owned prefix, name. */
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

    /**
     * KEYS: the dead server's lease key, its owned set, the servers set. ARGV: its id, prefix.
     * Frees every name the dead server still holds and forgets the server; returns the freed
     * {@code room NUL name} pairs. Does nothing if the lease has come back.
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
              local key = ARGV[2] .. 'name:' .. room .. ':' .. name
              if redis.call('GET', key) == ARGV[1] then
                redis.call('DEL', key)
                redis.call('SREM', ARGV[2] .. 'room:' .. room, name)
                table.insert(freed, entry)
              end
            end
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[3], ARGV[1])
            return freed
            """;

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

    /** Marks this server alive for another lease period. */
    public void renewLease() {
        redis.set(RedisKeys.lease(serverId), "1", SetArgs.Builder.px(leaseMillis));
        redis.sadd(RedisKeys.SERVERS, serverId);
    }

    /** This server stops: its lease ends now, so its names are free and reaped at once. */
    public void leave() {
        redis.del(RedisKeys.lease(serverId));
    }

    /** Claims {@code name} in {@code room} for this server. */
    public Claim claim(String room, String name) {
        long result = redis.eval(CLAIM, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name), RedisKeys.room(room), RedisKeys.owned(serverId)},
                serverId, entry(room, name), RedisKeys.LEASE, RedisKeys.OWNED, name);
        return result == 0 ? Claim.TAKEN : result == 2 ? Claim.TAKEN_OVER : Claim.CLAIMED;
    }

    /** Gives up {@code name} in {@code room} if this server holds it; whether it did. */
    public boolean release(String room, String name) {
        long result = redis.eval(RELEASE, ScriptOutputType.INTEGER,
                new String[] {RedisKeys.name(room, name), RedisKeys.room(room), RedisKeys.owned(serverId)},
                serverId, entry(room, name), name);
        return result == 1;
    }

    /** The id of the live server whose viewer holds {@code name} in {@code room}, or {@code null}. */
    public String owner(String room, String name) {
        String owner = redis.get(RedisKeys.name(room, name));
        return owner != null && redis.exists(RedisKeys.lease(owner)) == 1 ? owner : null;
    }

    /** The names held in {@code room} by live servers, sorted. */
    public List<String> names(String room) {
        List<String> names = new ArrayList<>();
        for (String name : redis.smembers(RedisKeys.room(room))) {
            if (owner(room, name) != null) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    /** Frees the names of every server whose lease has run out; what was freed, once cluster-wide. */
    public List<Freed> reapDeadServers() {
        List<Freed> freed = new ArrayList<>();
        for (String server : redis.smembers(RedisKeys.SERVERS)) {
            if (server.equals(serverId) || redis.exists(RedisKeys.lease(server)) == 1) {
                continue;
            }
            List<String> entries = redis.eval(REAP, ScriptOutputType.MULTI,
                    new String[] {RedisKeys.lease(server), RedisKeys.owned(server), RedisKeys.SERVERS},
                    server, RedisKeys.PREFIX);
            for (String entry : entries) {
                int cut = entry.indexOf('\0');
                freed.add(new Freed(entry.substring(0, cut), entry.substring(cut + 1)));
            }
        }
        return freed;
    }

    /** The server's id in the cluster. */
    public String serverId() {
        return serverId;
    }

    private static String entry(String room, String name) {
        return room + '\0' + name;
    }
}
