package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import java.util.List;
import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.Disconnect;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * The rules of the commands (PROTOCOL.md §1–2, §6, §9–11), one method per command. Runs on the sending
 * connection's read thread; nothing here blocks but a question to the cluster.
 */
final class Commands {

    private static final System.Logger LOG = System.getLogger(Commands.class.getName());

    private final Frames frames;
    private final Delivery delivery;
    private final Presence presence;
    private final NameDirectory directory;
    private final Bus bus;
    private final Sessions sessions;
    private final Departures departures;
    private final StateWrites stateWrites;
    private final TokenGate tokens;

    Commands(Frames frames, Delivery delivery, Presence presence, NameDirectory directory, Bus bus,
            Sessions sessions, Departures departures, StateWrites stateWrites, TokenGate tokens) {
        this.stateWrites = stateWrites;
        this.tokens = tokens;
        this.frames = frames;
        this.delivery = delivery;
        this.presence = presence;
        this.directory = directory;
        this.bus = bus;
        this.sessions = sessions;
        this.departures = departures;
    }

    void handle(Client client, Command command) {
        if (command instanceof Command.Identify identify) {
            identify(client, identify);
        } else if (command instanceof Command.Resume resume) {
            resume(client, resume);
        } else if (!client.isIdentified()) {
            delivery.to(client, frames.outcome(OutcomeCode.NOT_IDENTIFIED));
        } else if (command instanceof Command.Broadcast broadcast) {
            broadcast(client, broadcast);
        } else if (command instanceof Command.Message message) {
            message(client, message);
        } else if (command instanceof Command.ListNames) {
            list(client);
        } else if (command instanceof Command.State state) {
            state(client, state);
        } else if (command instanceof Command.Time time) {
            delivery.to(client, frames.encode(new Event.Time(time.t0(), System.currentTimeMillis())));
        }
    }

    /**
     * Claims a name, or renames: the new name is claimed atomically first, then the old one
     * released and the new one announced in one step of the room, so a client is never without a
     * name while renaming, is never seen under both, and a failed rename keeps the old one. With
     * private rooms, taking a name needs a token ({@link TokenGate}). The others hear
     * {@code quit}/{@code join} before the client gets its 300, so anyone who identifies after
     * that 300 never hears an old {@code join}. Frames that others send the
     * client from the moment its first name is claimed wait until its 300 is queued
     * ({@link Client#holdBack}): nothing reaches it before its 300, and a session's numbering starts
     * right after it. If the connection closed meanwhile, what the departure missed is let go
     * ({@link #letGoIfGoneMeanwhile}).
     */
    private void identify(Client client, Command.Identify identify) {
        String name = identify.name();
        Room room = client.room();
        String previous = client.name();
        boolean opensSession = identify.resume() && sessions.enabled() && client.session() == null;
        if (name.equals(previous) && !opensSession) {
            delivery.to(client, frames.outcome(OutcomeCode.IDENTIFIED));
            return;
        }
        if (!name.equals(previous) && !tokens.admits(client, identify)) {
            return; // a new name needs the site's word for it (a rename too)
        }
        if (previous == null) {
            client.batchedPresence(identify.batchedPresence());
        }
        boolean holding = previous == null || opensSession;
        if (holding) {
            client.holdBack();
        }
        List<Event.State> stateAtArrival = List.of();
        if (!name.equals(previous)) {
            stateAtArrival = claim(client, room, name, previous == null);
            if (stateAtArrival == null) {
                delivery.first(client, frames.outcome(OutcomeCode.NAME_TAKEN));
                if (previous == null) {
                    delivery.discardHeld(client); // sent to a name it never got: nothing reaches it before a 300
                } else if (holding) {
                    delivery.release(client);
                }
                return;
            }
        }
        client.name(name);
        if (previous == null) {
            presence.joined(client, name, true);
        } else if (!name.equals(previous)) {
            presence.renamed(client, previous, name);
        }
        if (opensSession) {
            Session session = sessions.open(client);
            client.outbox().enqueue(sessions.opened(session)); // unnumbered: the numbering starts after it
        } else {
            delivery.first(client, frames.outcome(OutcomeCode.IDENTIFIED));
        }
        // A newcomer: the room's state right after its 300, before any frame from anyone else.
        stateAtArrival.forEach(state -> delivery.first(client, frames.encode(state)));
        if (holding) {
            delivery.release(client);
        }
        LOG.log(Level.DEBUG, () -> client + " identified");
        letGoIfGoneMeanwhile(client);
    }

    /**
     * After an identify or a resume gave {@code client} a name or a session: if its connection closed
     * meanwhile ({@link Departures}, on another thread), whatever the departure did not see is let go
     * here — the session ended, the name released. Whichever of the two runs last sees the other's
     * write; a session the departure found and suspended is left waiting for its resume.
     */
    private void letGoIfGoneMeanwhile(Client client) {
        if (client.isGone() && sessions.forget(client)) {
            String name = client.name();
            if (name != null) {
                presence.left(client, name);
            }
        }
    }

    /**
     * Claims {@code name} here and in the directory; {@code null} if another viewer holds it (305).
     * Otherwise, if the client is {@code arriving} (its first name), the room's state as it stood
     * when the name was claimed ({@link RoomState#snapshotAt}): each write is either in it or
     * reaches the client as a frame of its own, never both. Empty for a rename.
     */
    private List<Event.State> claim(Client client, Room room, String name, boolean arriving) {
        List<Event.State> state = arriving
                ? room.state().snapshotAt(() -> room.claim(name, client))
                : room.claim(name, client) ? List.of() : null;
        if (state == null) {
            return null;
        }
        NameDirectory.Claim elsewhere = directory.claim(room.name(), name);
        if (elsewhere == NameDirectory.Claim.TAKEN) {
            room.release(name, client); // nobody heard it join: nothing to tell
            return null;
        }
        if (elsewhere == NameDirectory.Claim.TAKEN_OVER) {
            presence.tookOver(client, name);
        }
        return state;
    }

    /** A new connection carries on a session (PROTOCOL.md §9): 301 and what it missed, or 410. */
    private void resume(Client client, Command.Resume resume) {
        if (client.isIdentified()) {
            delivery.to(client, frames.encode(Event.Outcome.of(OutcomeCode.BAD_REQUEST,
                    "Already identified: resume is for a new connection, before identify")));
            return;
        }
        Sessions.Resumption result = sessions.resume(client, resume.session(), resume.last());
        if (result instanceof Sessions.Resumed resumed) {
            if (resumed.stillOpen() != null) {
                departures.close(resumed.stillOpen(), Disconnect.RESUMED_ELSEWHERE);
            }
            letGoIfGoneMeanwhile(client);
        } else if (result instanceof Sessions.Refused refused) {
            if (refused.holder() != null) {
                departures.close(refused.holder(), Disconnect.RESUMED_ELSEWHERE); // ends the session: the name is free
            }
            delivery.to(client, frames.outcome(OutcomeCode.SESSION_GONE));
        }
    }

    /** To every other identified viewer of the room; no answer. */
    private void broadcast(Client client, Command.Broadcast broadcast) {
        presence.beforeFrameFrom(client);
        delivery.toOthers(client, frames.encode(new Event.Broadcast(client.name(), broadcast.message())));
    }

    /** To the one viewer called {@code to}, here or on another server; 404 if nobody is. */
    private void message(Client client, Command.Message message) {
        Room room = client.room();
        Client to = room.find(message.to());
        presence.beforeFrameFrom(client);
        Frame.Encoded frame = frames.encode(new Event.Message(client.name(), message.message()));
        if (to != null) {
            delivery.to(to, frame);
        } else if (bus.sendTo(room.name(), message.to(), frame.text()) != Bus.Reach.DELIVERED) {
            delivery.to(client, frames.outcome(OutcomeCode.NO_SUCH_CLIENT));
        }
    }

    /**
     * Writes one key of the room's state (PROTOCOL.md §10). A write that succeeds is answered by
     * the {@code state} frame the writer gets with everyone else.
     */
    private void state(Client client, Command.State state) {
        presence.beforeFrameFrom(client);
        RoomState.Outcome outcome = stateWrites.write(client.room(), state.key(), state.value(), state.ifVersion(),
                client.name(), false);
        if (outcome instanceof RoomState.Changed changed) {
            delivery.to(client, frames.encode(Event.Outcome.stateChanged(changed.current())));
        } else if (outcome instanceof RoomState.TooLarge tooLarge) {
            delivery.to(client, frames.encode(Event.Outcome.of(OutcomeCode.STATE_TOO_LARGE, tooLarge.why())));
        }
    }

    /** The room's names, all servers' if the directory can say, this server's otherwise. */
    private void list(Client client) {
        Room room = client.room();
        if (client.batchedPresence()) {
            // Its next presence frame then tells what changed after this answer (see PresenceLog).
            presence.list(client, directory.names(room.name()).orElse(null));
            return;
        }
        delivery.to(client, frames.encode(new Event.NameList(
                directory.names(room.name()).orElseGet(room::sortedNames))));
    }
}
