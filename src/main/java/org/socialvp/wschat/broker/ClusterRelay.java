package org.socialvp.wschat.broker;

import org.socialvp.wschat.cluster.Receiver;
import org.socialvp.wschat.outbox.Frame;

/** What the other servers send: delivered to this server's viewers only, never sent on. */
final class ClusterRelay implements Receiver {

    private final Rooms rooms;
    private final Delivery delivery;
    private final Presence presence;
    private final Frames frames;

    ClusterRelay(Rooms rooms, Delivery delivery, Presence presence, Frames frames) {
        this.rooms = rooms;
        this.frames = frames;
        this.delivery = delivery;
        this.presence = presence;
    }

    @Override
    public void toRoom(String roomName, String frame) {
        Room room = rooms.get(roomName);
        if (room == null) {
            return;
        }
        Frame.Encoded relayed = Frame.of(frame);
        Frames.Presence presenceChange = frames.presenceChange(frame);
        if (presenceChange != null) {
            presence.relayed(room, presenceChange.name(), presenceChange.joined(), relayed);
            return;
        }
        presence.beforeRelayedFrame(room);
        for (Client recipient : room.identified()) {
            delivery.relay(recipient, relayed);
        }
    }

    @Override
    public void toName(String roomName, String name, String frame) {
        Room room = rooms.get(roomName);
        Client to = room == null ? null : room.find(name);
        if (to != null) {
            delivery.relay(to, Frame.of(frame));
        }
    }

    /** Announced here and to the others: the freeing server is the only one that knows. */
    @Override
    public void freed(String roomName, String name) {
        presence.freed(rooms.get(roomName), roomName, name);
    }

    @Override
    public void reclaimed(String roomName, String name) {
        presence.reclaimed(roomName, name);
    }

    @Override
    public void releasedUnheard(String roomName, String name) {
        presence.releasedUnheard(roomName, name);
    }
}
