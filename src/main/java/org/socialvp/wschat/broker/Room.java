package org.socialvp.wschat.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One watch party: its identified clients by name, and each of them once, on its {@link Seat}.
 *
 * <p>Reads on the message path ({@link #find}, {@link #identified}) are lock-free reads of a
 * {@link ConcurrentHashMap}. Names are claimed ({@code putIfAbsent}) and released (checking the
 * holder) one at a time per room, under a lock that nothing on the message path takes: of many
 * connections racing for a name exactly one wins, a client can only ever release a name it holds,
 * and a departure's {@code quit} is queued for exactly the viewers that hold a name meanwhile.
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
    /**
     * Each client that holds a name, once: what a broadcast goes round. A renamer holds two names
     * for a moment, and a broadcast that went round {@link #members} could reach it under each of
     * them, or under neither (the old name gone where it had looked, the new one not yet where it
     * was still to look). Written under {@link #namesChanging}, with the names.
     */
    private final ConcurrentHashMap<Seat, Client> seated = new ConcurrentHashMap<>();
    /** Held while a name is claimed or released (never while sending): see {@link #release(String, Client, Farewell)}. */
    private final Object namesChanging = new Object();
    /** Names claimed whose {@code join} is not queued yet; guarded by {@link #namesChanging}. */
    private final Set<String> unannounced = new HashSet<>();
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

    /**
     * A client's one place among the room's identified clients, however many names it holds (two
     * while it renames): it takes it with its first name, keeps it through renames, gives it up
     * with its last name, and hands it on with its name when its session resumes on another
     * connection. Guarded, as the client's reference to it, by the room's {@link #namesChanging}.
     */
    static final class Seat {
        private int names;
    }

    /** Claims {@code name} for {@code client}, not yet announced ({@link #announce}); {@code false} if another client holds it. */
    boolean claim(String name, Client client) {
        synchronized (namesChanging) {
            Client holder = members.putIfAbsent(name, client);
            if (holder == null) {
                unannounced.add(name);
                tookName(client);
            }
            return holder == null || holder == client;
        }
    }

    /** Releases {@code name} if {@code client} holds it, with nothing to tell; whether it did. */
    boolean release(String name, Client client) {
        synchronized (namesChanging) {
            boolean held = members.remove(name, client);
            if (held) {
                unannounced.remove(name);
                gaveUpName(client);
            }
            return held;
        }
    }

    /** Under {@link #namesChanging}: {@code client} holds one name more; with its first, it is seated. */
    private void tookName(Client client) {
        if (client.seat() == null) {
            client.seat(new Seat());
        }
        if (client.seat().names++ == 0) {
            seated.put(client.seat(), client);
        }
    }

    /** Under {@link #namesChanging}: {@code client} holds one name fewer; with its last, it leaves its seat. */
    private void gaveUpName(Client client) {
        Seat seat = client.seat();
        if (seat != null && --seat.names == 0) {
            seated.remove(seat, client);
        }
    }

    /**
     * Runs {@code welcome}, which queues the {@code join} of {@code name}, if {@code client} still
     * holds it (see {@link #whileHolding}) and its join has not gone out yet; from then on its
     * release is a departure the room hears. A name claimed by a renamer and handed over unannounced
     * with its session ({@link #handOver}) is announced by its new holder.
     */
    void announce(String name, Client client, Runnable welcome) {
        whileHolding(name, client, () -> {
            if (unannounced.remove(name)) {
                welcome.run();
            }
        });
    }

    /** What a release does while the name is still held ({@link #release(String, Client, Farewell)}). */
    @FunctionalInterface
    interface Farewell {
        /** @param joinHeard whether the room was told the name joined ({@link #announce}): if not, no quit is due */
        void say(boolean joinHeard);
    }

    /**
     * Releases {@code name} if {@code client} holds it, running {@code farewell} first, while it
     * still holds it and while no other name of the room is claimed or released: what
     * {@code farewell} queues reaches every viewer that holds a name at that moment, before
     * anything from the name's next holder, and a viewer that claims a name afterwards never sees
     * this one. Of callers racing to release one claim, exactly one runs {@code farewell}. It runs
     * under the room's lock, so it must only queue (a {@link Delivery.Batch}, sent after this
     * returns), never send or wait.
     */
    void release(String name, Client client, Farewell farewell) {
        whileHolding(name, client, () -> {
            boolean heard = !unannounced.remove(name);
            try {
                farewell.say(heard);
            } finally {
                members.remove(name, client);
                gaveUpName(client);
            }
        });
    }

    /**
     * Runs {@code action} if {@code client} holds {@code name}, while no name of the room changes
     * hands: what it queues (a {@code join}, a resumed session's move) is ordered against every
     * release's farewell, and it must only queue, as a farewell does.
     *
     * @return whether {@code client} held the name (and {@code action} ran)
     */
    boolean whileHolding(String name, Client client, Runnable action) {
        synchronized (namesChanging) {
            if (members.get(name) != client) {
                return false;
            }
            action.run();
            return true;
        }
    }

    /**
     * Gives {@code name}, held by {@code from}, to {@code to}, and {@code from}'s seat with it, in
     * one step for a broadcast going round; only inside {@link #whileHolding} for {@code from}.
     * {@code to} then holds that one name. {@code from} holds nothing more, unless it was renaming
     * (a live connection's read thread may be): the name it claimed meanwhile seats it anew.
     */
    void handOver(String name, Client from, Client to) {
        Seat seat = from.seat();
        boolean renaming = seat.names > 1;
        seat.names = 1;
        to.seat(seat);
        from.seat(null);
        members.replace(name, from, to);
        seated.replace(seat, from, to);
        if (renaming) {
            tookName(from);
        }
    }

    Client find(String name) {
        return members.get(name);
    }

    /** The identified clients, each once, weakly consistent: safe to iterate while others join and leave. */
    Collection<Client> identified() {
        return seated.values();
    }

    int identifiedCount() {
        return seated.size();
    }

    /**
     * Runs {@code action} while no other name of the room changes hands and no {@link #sortedNames}
     * is taken: releases and announcements inside it ({@link #release(String, Client, Farewell)},
     * {@link #announce}) are one step for everyone else — a rename gives up the old name and
     * announces the new one so — and a reading inside it sees none of them half done. Like a
     * farewell, it must only queue.
     */
    void withNamesLocked(Runnable action) {
        synchronized (namesChanging) {
            action.run();
        }
    }

    /**
     * The names the room has heard of, sorted, as they stand between two changes of hands: a name
     * claimed but not yet announced is not among them, so a renamer is listed under exactly one name.
     */
    List<String> sortedNames() {
        List<String> names;
        synchronized (namesChanging) {
            names = new ArrayList<>(members.keySet());
            names.removeAll(unannounced);
        }
        names.sort(null);
        return names;
    }
}
