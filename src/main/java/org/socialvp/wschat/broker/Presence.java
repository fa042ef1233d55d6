package org.socialvp.wschat.broker;

import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;

/**
 * Who is in the room, as the others hear it: {@code join} when a viewer takes a name, {@code quit}
 * when it gives one up or leaves (PROTOCOL.md §4, §6), here and on the other servers.
 */
final class Presence {

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

    /** {@code client} now holds {@code name}: the others hear it joined. */
    void joined(Client client, String name) {
        delivery.toOthers(client, frames.encode(new Event.Join(name)));
    }

    /** {@code name} had been held by a viewer of a server that died, and {@code client} took it over. */
    void tookOver(Client client, String name) {
        delivery.toOthers(client, frames.encode(new Event.Quit(name)));
    }

    /**
     * {@code client} gives up {@code name} (a rename, or leaving): released in its room and in the
     * directory, and the others hear it quit. Nothing happens if it did not hold the name.
     */
    void left(Client client, String name) {
        Room room = client.room();
        if (!room.release(name, client)) {
            return;
        }
        directory.release(room.name(), name);
        Frame.Encoded quit = frames.encode(new Event.Quit(name));
        if (stopping) {
            delivery.toOtherServers(room.name(), quit);
        } else {
            delivery.toOthers(client, quit);
        }
    }

    /** The server is stopping: from now on only the other servers hear who leaves. */
    void stopping() {
        stopping = true;
    }

    /** {@code name} was held on a server that died; this server tells its own viewers and the others. */
    void freed(Room roomHere, String roomName, String name) {
        Frame.Encoded quit = frames.encode(new Event.Quit(name));
        if (roomHere != null) {
            delivery.toRoom(roomHere, null, quit);
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
