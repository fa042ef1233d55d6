package org.socialvp.wschat.broker;

import jakarta.json.JsonValue;
import java.util.Comparator;
import java.util.List;
import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;

/**
 * What the site's backend may do to its watch parties without a WebSocket (PROTOCOL.md §13): see
 * a room, broadcast to it, message one viewer, write its state, remove a viewer. What it sends
 * says {@code "server":true}, so that a viewer who calls itself "server" cannot pass for it. The
 * HTTP side is {@code api.ApiServlet}; this is the broker's side, on the caller's thread.
 *
 * <p>With several servers, a broadcast and a message reach the room's viewers on every server, and
 * a room's names are all servers'; the state and the removal act on this server's viewers (the
 * state is kept per server until it moves to Redis, see docs/SCALE-OUT.md).
 */
public final class ServerApi {

    /** The {@code from} of what the backend sends when it names no one. */
    public static final String DEFAULT_FROM = "server";

    /** A room as the backend sees it: its names, sorted, and its state, by key. */
    public record RoomView(List<String> names, List<Event.State> state) {
    }

    /** What became of a state write. */
    public record StateAnswer(Result result, long version, String why) {

        public enum Result {
            /** Applied; {@code version} is the key's new version. */
            WRITTEN,
            /** {@code If-Match} named another version; {@code version} is the current one. */
            CHANGED,
            /** Over a limit; {@code why} says which. */
            TOO_LARGE,
            /** Nobody is in the room, so it has no state. */
            NO_ROOM
        }
    }

    private final Rooms rooms;
    private final Frames frames;
    private final Delivery delivery;
    private final StateWrites stateWrites;
    private final Departures departures;
    private final NameDirectory directory;
    private final Bus bus;

    ServerApi(Rooms rooms, Frames frames, Delivery delivery, StateWrites stateWrites, Departures departures,
            NameDirectory directory, Bus bus) {
        this.rooms = rooms;
        this.frames = frames;
        this.delivery = delivery;
        this.stateWrites = stateWrites;
        this.departures = departures;
        this.directory = directory;
        this.bus = bus;
    }

    /** Whether {@code room} is a name a room may have (as in the endpoint's path). */
    public static boolean isValidRoom(String room) {
        return Rooms.isValidName(room);
    }

    /** The room's names and state; empty if nobody is in it. */
    public RoomView room(String roomName) {
        Room room = rooms.get(roomName);
        List<String> names = directory.names(roomName)
                .orElseGet(() -> room == null ? List.of() : room.sortedNames());
        List<Event.State> state = room == null ? List.of() : room.state().snapshot().stream()
                .sorted(Comparator.comparing(Event.State::key))
                .toList();
        return new RoomView(names, state);
    }

    /**
     * To every identified viewer of the room, here and on the other servers.
     *
     * @return how many viewers of the room this server holds (suspended sessions included: they
     *         get it when they resume)
     */
    public int broadcast(String roomName, JsonValue message, String from) {
        Frame.Encoded frame = frames.encode(new Event.Broadcast(from, message, Boolean.TRUE));
        Room room = rooms.get(roomName);
        int recipients = 0;
        if (room != null) {
            recipients = room.identifiedCount();
            delivery.toRoom(room, null, frame);
        }
        delivery.toOtherServers(roomName, frame);
        return recipients;
    }

    /** To the viewer called {@code name}, here or on another server; {@code false} if nobody is. */
    public boolean message(String roomName, String name, JsonValue message, String from) {
        Frame.Encoded frame = frames.encode(new Event.Message(from, message, Boolean.TRUE));
        Room room = rooms.get(roomName);
        Client to = room == null ? null : room.find(name);
        if (to != null) {
            delivery.to(to, frame);
            return true;
        }
        return bus.sendTo(roomName, name, frame.text()) == Bus.Reach.DELIVERED;
    }

    /** Writes one key of the room's state as the {@code state} command would, from {@code "server"}. */
    public StateAnswer writeState(String roomName, String key, JsonValue value, Long ifVersion) {
        Room room = rooms.get(roomName);
        if (room == null) {
            return new StateAnswer(StateAnswer.Result.NO_ROOM, 0, null);
        }
        RoomState.Outcome outcome = stateWrites.write(room, key, value, ifVersion, DEFAULT_FROM, true);
        if (outcome instanceof RoomState.Written written) {
            return new StateAnswer(StateAnswer.Result.WRITTEN, written.state().version(), null);
        }
        if (outcome instanceof RoomState.Changed changed) {
            return new StateAnswer(StateAnswer.Result.CHANGED, changed.current(), null);
        }
        return new StateAnswer(StateAnswer.Result.TOO_LARGE, 0, ((RoomState.TooLarge) outcome).why());
    }

    /**
     * Closes the viewer called {@code name} with 1008 {@code removed}: its session ends, the others
     * hear {@code quit}. {@code false} if this server holds nobody of that name in the room.
     */
    public boolean remove(String roomName, String name) {
        Room room = rooms.get(roomName);
        Client viewer = room == null ? null : room.find(name);
        if (viewer == null) {
            return false;
        }
        departures.remove(viewer);
        return true;
    }
}
