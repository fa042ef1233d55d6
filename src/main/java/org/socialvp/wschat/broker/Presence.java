package org.socialvp.wschat.broker;

import java.util.List;
import java.util.function.BiConsumer;
import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;

/**
 * Who is in the room, as the others hear it: {@code join} when a viewer takes a name, {@code quit}
 * when it gives one up or leaves (PROTOCOL.md §4, §6), here and on the other servers; for the
 * viewers that asked for presence in batches, the same changes in presence frames
 * ({@link PresenceLog}, PROTOCOL.md §15).
 */
final class Presence {

    private static final System.Logger LOG = System.getLogger(Presence.class.getName());

    private final Delivery delivery;
    private final Frames frames;
    private final NameDirectory directory;
    /** Set when the server stops: everyone here is leaving, so only the other servers hear the quits. */
    private volatile boolean stopping;

    Presence(Delivery delivery, Frames frames, NameDirectory directory) {
        this.delivery = delivery;
        this.frames = frames;
        this.directory = directory;
    }

    /**
     * {@code client} now holds {@code name}: the others hear it joined, here and on the other
     * servers — unless it has already given the name up (its connection closed meanwhile, on
     * another thread): the join is queued and published while it holds the name, so it always
     * comes before the quit, or not at all.
     *
     * @param arriving whether it is the client's first name (not a rename)
     */
    void joined(Client client, String name, boolean arriving) {
        Delivery.Batch welcome = delivery.batch();
        queueJoin(client, name, arriving, welcome);
        welcome.send();
    }

    /**
     * {@code client}, holding {@code name} now, gives up {@code previous}: the others hear the quit
     * of the one and the join of the other, and the room changes both names in one step (the
     * rename is atomic: nothing in between, a {@code list} included, sees both names or neither).
     */
    void renamed(Client client, String previous, String name) {
        Delivery.Batch change = delivery.batch();
        client.room().withNamesLocked(() -> {
            queueQuit(client, previous, change);
            queueJoin(client, name, false, change);
        });
        change.send();
    }

    /** Queues the join of {@code name} on {@code welcome} and publishes it (see {@link #joined}). */
    private void queueJoin(Client client, String name, boolean arriving, Delivery.Batch welcome) {
        Room room = client.room();
        Frame.Encoded join = frames.encode(new Event.Join(name));
        room.announce(name, client, () -> {
            if (arriving && client.batchedPresence()) {
                room.presence().arrived(client, name);
            } else {
                room.presence().changed(name, true);
            }
            toUnbatched(room, client, join, welcome::to);
            delivery.toOtherServers(room.name(), join); // does not wait: ordered with the quit, as the release is
        });
    }

    /** {@code name} had been held by a viewer of a server that died, and {@code client} took it over. */
    void tookOver(Client client, String name) {
        Room room = client.room();
        room.presence().changed(name, false);
        room.presence().changed(name, true);
        Frame.Encoded quit = frames.encode(new Event.Quit(name));
        toUnbatched(room, client, quit, delivery::to);
        delivery.toOtherServers(room.name(), quit);
    }

    /**
     * Before a frame from {@code sender} goes out: if the batched viewers have not been told yet
     * that it arrived, they are now (PROTOCOL.md §15: nobody gets a frame from a name it does not
     * know of).
     */
    void beforeFrameFrom(Client sender) {
        Room room = sender.room();
        if (room.presence().mustAnnounce(sender.name())) {
            flush(room);
        }
    }

    /** Before a frame from another server: its sender may be a newcomer the batched viewers have not heard of. */
    void beforeRelayedFrame(Room room) {
        if (room.presence().pending()) {
            flush(room);
        }
    }

    /**
     * Every {@code wschat.presenceBatchMillis}, on the housekeeping thread: the batches that are due
     * (a premiere room's less often, {@link PresenceLog#VIEWERS_PER_TICK}).
     */
    void flushPending(Rooms rooms) {
        rooms.forEach(room -> {
            try {
                if (room.presence().pending() && room.presence().dueOnTick()) {
                    flush(room);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "presence batch of room " + room.name() + " failed", e);
            }
        });
    }

    /** Sends the room's batched viewers what changed since their last presence frame. */
    void flush(Room room) {
        Delivery.Batch batch = delivery.batch();
        room.presence().flush(frames, batch);
        batch.send();
    }

    /**
     * Answers the {@code list} of {@code asker}, a batched viewer: the room's names ({@code names}
     * if the cluster's directory gave them), and its next presence frame tells what changed after
     * them (see {@link PresenceLog#list}).
     */
    void list(Client asker, List<String> names) {
        Delivery.Batch batch = delivery.batch();
        Room room = asker.room();
        room.withNamesLocked(() -> room.presence().list(frames, batch, asker, names)); // never halfway through a rename
        batch.send();
    }

    /** A join or quit from another server, as it came: to this server's viewers, batched or not. */
    void relayed(Room room, String name, boolean joined, Frame.Encoded frame) {
        room.presence().changed(name, joined);
        for (Client recipient : room.identified()) {
            if (!recipient.batchedPresence()) {
                delivery.relay(recipient, frame);
            }
        }
    }

    /**
     * {@code frame} to every viewer of {@code room} but {@code except} that hears presence one by
     * one, through {@code to}. {@code except}, if given, is one of the room's identified viewers (a
     * leaver's name is still held while its quit is queued); a room whose other viewers are all
     * batched is not looked through at all.
     */
    private static void toUnbatched(Room room, Client except, Frame.Encoded frame, BiConsumer<Client, Frame.Encoded> to) {
        int others = room.identifiedCount() - (except == null ? 0 : 1);
        int batchedOthers = room.presence().batchedCount() - (room.presence().isBatched(except) ? 1 : 0);
        if (others <= batchedOthers) {
            return; // a premiere of batched viewers: nobody to tell one by one, no need to look at each
        }
        for (Client recipient : room.identified()) {
            if (recipient != except && !recipient.batchedPresence()) {
                to.accept(recipient, frame);
            }
        }
    }

    /**
     * {@code client} gives up {@code name} (a rename, or leaving): released in its room and in the
     * directory, and the others hear it quit. Nothing happens if it did not hold the name.
     *
     * <p>The quit is queued for the room (the batches told, the directory asked to release, the
     * other servers' copy published) before the name is free and while no other name of the room
     * changes hands ({@link Room#release(String,
     * Client, Room.Farewell)}); a name given up before its join went out is not heard to quit: a viewer who takes the name at once is heard of after the quit, never
     * before, and is not itself sent the quit of the name it now holds.
     */
    void left(Client client, String name) {
        Delivery.Batch farewell = delivery.batch();
        queueQuit(client, name, farewell);
        farewell.send();
    }

    /** Releases {@code name}, queues its quit on {@code farewell} and publishes it (see {@link #left}). */
    private void queueQuit(Client client, String name, Delivery.Batch farewell) {
        Room room = client.room();
        Frame.Encoded quit = frames.encode(new Event.Quit(name));
        boolean renaming = !name.equals(client.name());
        room.release(name, client, joinHeard -> {
            if (client.batchedPresence() && !renaming) {
                room.presence().departed(client); // for good: a rename releases the name it had before
            }
            if (joinHeard && !stopping) {
                room.presence().changed(name, false);
                toUnbatched(room, client, quit, farewell::to);
            }
            directory.release(room.name(), name); // queued for the Redis thread before any claim of the name here
            if (joinHeard) {
                delivery.toOtherServers(room.name(), quit); // a name given up before its join went out: nobody to tell
            }
        });
    }

    /** The server is stopping: from now on only the other servers hear who leaves. */
    void stopping() {
        stopping = true;
    }

    /** {@code name} was held on a server that died; this server tells its own viewers and the others. */
    void freed(Room roomHere, String roomName, String name) {
        Frame.Encoded quit = frames.encode(new Event.Quit(name));
        if (roomHere != null) {
            roomHere.presence().changed(name, false);
            toUnbatched(roomHere, null, quit, delivery::to);
        }
        delivery.toOtherServers(roomName, quit);
    }

    /** After an outage: {@code name}, held here all along, is announced again to the other servers. */
    void reclaimed(String roomName, String name) {
        delivery.toOtherServers(roomName, frames.encode(new Event.Join(name)));
    }

    /** After an outage: {@code name}, given up here while the others could not hear it, is announced to them. */
    void releasedUnheard(String roomName, String name) {
        delivery.toOtherServers(roomName, frames.encode(new Event.Quit(name)));
    }
}
