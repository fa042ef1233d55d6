package org.socialvp.wschat.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.socialvp.wschat.cluster.Bus;

/**
 * The rooms that have at least one connection, by name.
 *
 * <p>A room is created by the first {@link #join} and removed by the {@link #leave} of its last
 * connection. Both run inside {@code ConcurrentHashMap.compute} on the room's name, which makes
 * "count this connection in" and "remove the room if it is now empty" atomic with respect to each
 * other: a join racing the removal either lands in the old room before it is removed (and so keeps
 * it) or creates a fresh one. Looking a room up never locks.
 *
 * <p>The cluster's {@link Bus} hears of each room as it appears and goes, from inside that same
 * {@code compute}, so it learns of them in the order they happened and never counts connections
 * itself.
 */
final class Rooms {

    /** Room names: 1–64 of {@code A–Z a–z 0–9 . _ -} (PROTOCOL.md §5). */
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final ConcurrentHashMap<String, Room> rooms = new ConcurrentHashMap<>();
    private final int maxConnectionsPerRoom;
    private final Bus bus;

    /**
     * @param maxConnectionsPerRoom connections one room may hold, 0 for no limit
     * @param bus told of every room created and removed (must not block)
     */
    Rooms(int maxConnectionsPerRoom, Bus bus) {
        this.maxConnectionsPerRoom = maxConnectionsPerRoom;
        this.bus = bus;
    }

    static boolean isValidName(String name) {
        return name != null && VALID_NAME.matcher(name).matches();
    }

    /**
     * Counts one more connection into the room {@code name}, creating it if needed.
     *
     * @return the room, or {@code null} if it is full
     */
    Room join(String name) {
        Room[] joined = new Room[1];
        rooms.compute(name, (key, existing) -> {
            Room room = existing != null ? existing : new Room(key);
            if (maxConnectionsPerRoom > 0 && room.connections >= maxConnectionsPerRoom) {
                return existing;
            }
            if (existing == null) {
                bus.roomOpened(key);
            }
            room.connections++;
            joined[0] = room;
            return room;
        });
        return joined[0];
    }

    /** Counts one connection out of {@code room}; the last one out removes it. */
    void leave(Room room) {
        rooms.computeIfPresent(room.name(), (key, current) -> {
            if (current != room) {
                return current;
            }
            if (--current.connections > 0) {
                return current;
            }
            bus.roomClosed(key);
            return null;
        });
    }

    /** Identified clients in all rooms. */
    int identifiedCount() {
        int identified = 0;
        for (Room room : rooms.values()) {
            identified += room.identifiedCount();
        }
        return identified;
    }

    /** The {@code limit} rooms with the most connections, largest first, as name → connections. */
    Map<String, Integer> largest(int limit) {
        // A min-heap of the best `limit` seen so far: one pass, however many rooms there are.
        PriorityQueue<Map.Entry<String, Integer>> best = new PriorityQueue<>(Map.Entry.comparingByValue());
        for (Room room : rooms.values()) {
            best.add(Map.entry(room.name(), room.connections));
            if (best.size() > limit) {
                best.poll();
            }
        }
        List<Map.Entry<String, Integer>> descending = new ArrayList<>(best);
        descending.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        Map<String, Integer> largest = new LinkedHashMap<>();
        descending.forEach(entry -> largest.put(entry.getKey(), entry.getValue()));
        return largest;
    }

    /** Every room, weakly consistent: safe while rooms come and go. */
    void forEach(java.util.function.Consumer<Room> action) {
        rooms.values().forEach(action);
    }

    Room get(String name) {
        return rooms.get(name);
    }

    int size() {
        return rooms.size();
    }
}
