package org.socialvp.wschat.broker;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One watch party: its identified clients by name.
 *
 * <p>Reads on the message path ({@link #find}, {@link #identified}) are lock-free reads of a
 * {@link ConcurrentHashMap}. A name is claimed with one atomic {@code putIfAbsent} and released
 * by one atomic update that checks the holder, so of many connections racing for a name exactly one
 * wins and a client can only ever release a name it holds.
 *
 * <p>{@link #connections} counts open connections (identified or not); it is only read and
 * written inside {@code ConcurrentHashMap.compute} on this room's key in {@link Rooms}, which
 * is what creates and removes rooms without losing a joiner.
 */
final class Room {

    private final String name;
    private final RoomState state = new RoomState();
    private final PresenceLog presence = new PresenceLog();
    private final ConcurrentHashMap<String, Client> members = new ConcurrentHashMap<>();
    /** Written only inside {@link Rooms}' {@code compute} on {@link #name}; volatile for the status readers. */
    volatile int connections;

    Room(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** The room's shared state (PROTOCOL.md §10): it lives as long as the room. */
    RoomState state() {
        return state;
    }

    /** Who came and went, for the room's viewers with batched presence (PROTOCOL.md §15). */
    PresenceLog presence() {
        return presence;
    }

    /** Claims {@code name} for {@code client}; {@code false} if another client holds it. */
    boolean claim(String name, Client client) {
        Client holder = members.putIfAbsent(name, client);
        return holder == null || holder == client;
    }

    /** Releases {@code name} if {@code client} holds it, with nothing to tell; whether it did. */
    boolean release(String name, Client client) {
        return members.remove(name, client);
    }

    /**
     * Releases {@code name} if {@code client} holds it, running {@code farewell} first, while it
     * still holds it: whatever {@code farewell} queues reaches every viewer before anything from
     * the name's next holder, who cannot claim it before then. Of callers racing to release one
     * claim, exactly one runs {@code farewell}. It runs inside the map's update of the name, so it
     * must only queue (a {@link Delivery.Batch}, sent after this returns), never send or wait.
     *
     * @return whether {@code client} held the name
     */
    boolean release(String name, Client client, Runnable farewell) {
        boolean[] held = new boolean[1];
        members.computeIfPresent(name, (key, holder) -> {
            if (holder != client) {
                return holder;
            }
            held[0] = true;
            farewell.run();
            return null;
        });
        return held[0];
    }

    /** Gives {@code name}, held by {@code from}, to {@code to} in one step (a resumed session); whether it did. */
    boolean takeOver(String name, Client from, Client to) {
        return members.replace(name, from, to);
    }

    Client find(String name) {
        return members.get(name);
    }

    /** The identified clients, weakly consistent: safe to iterate while others join and leave. */
    Collection<Client> identified() {
        return members.values();
    }

    int identifiedCount() {
        return members.size();
    }

    List<String> sortedNames() {
        return members.keySet().stream().sorted().toList();
    }
}
