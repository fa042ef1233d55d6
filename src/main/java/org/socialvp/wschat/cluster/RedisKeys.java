package org.socialvp.wschat.cluster;

/** The names of WSChat's keys and channels in Redis, all under {@code wschat:} (see docs/SCALE-OUT.md). */
final class RedisKeys {

    static final String PREFIX = "wschat:";
    /** The set of every server id that may hold names. */
    static final String SERVERS = PREFIX + "servers";
    /** Followed by {@code room:name}: the id of the server whose viewer holds the name. */
    static final String NAME = PREFIX + "name:";
    /** Followed by a room: the set of names held in it. */
    static final String ROOM = PREFIX + "room:";
    /** Followed by a server id: its lease, which exists while the server is alive. */
    static final String LEASE = PREFIX + "server:";
    /** Followed by a server id: the set of {@code room NUL name} it holds. */
    static final String OWNED = PREFIX + "owned:";
    /** Followed by a server id: set when the server's names were reaped, so that it re-announces them if it comes back. */
    static final String REAPED = PREFIX + "reaped:";
    /** Followed by a room: the channel of what every viewer of the room receives. */
    static final String BROADCAST_CHANNEL = PREFIX + "broadcast:";
    /** Followed by a server id: the channel of direct messages to its viewers. */
    static final String SERVER_CHANNEL = PREFIX + "to:";

    private RedisKeys() {
    }

    static String lease(String server) {
        return LEASE + server;
    }

    static String reaped(String server) {
        return REAPED + server;
    }

    static String owned(String server) {
        return OWNED + server;
    }

    /** The key holding the id of the server whose viewer has {@code name} in {@code room}. */
    static String name(String room, String name) {
        return NAME + room + ":" + name;
    }

    /** The set of names held in {@code room}. */
    static String room(String room) {
        return ROOM + room;
    }
}
