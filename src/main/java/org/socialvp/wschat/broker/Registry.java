package org.socialvp.wschat.broker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who is connected to this server: every open connection, their number, and the {@link Rooms}.
 * Lock-free: a concurrent set and a counter.
 */
final class Registry {

    private final Rooms rooms;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();

    Registry(Rooms rooms) {
        this.rooms = rooms;
    }

    Rooms rooms() {
        return rooms;
    }

    /** Counts in one more connection; {@code false}, and nothing counted, beyond {@code max} (0: no limit). */
    boolean reserve(int max) {
        int count = connections.incrementAndGet();
        if (max > 0 && count > max) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Counts a reserved connection out again. */
    void unreserve() {
        connections.decrementAndGet();
    }

    void add(Client client) {
        clients.add(client);
    }

    /** Forgets a client that left: its reservation and its place in its room. */
    void remove(Client client) {
        disconnect(client);
        rooms.leave(client.room());
    }

    /** Forgets a connection whose suspended session keeps its place in the room ({@link Sessions}). */
    void disconnect(Client client) {
        clients.remove(client);
        connections.decrementAndGet();
    }

    /** Every connected client; weakly consistent, safe to iterate while others come and go. */
    Iterable<Client> clients() {
        return clients;
    }

    int connections() {
        return connections.get();
    }
}
