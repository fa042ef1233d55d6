package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import org.socialvp.wschat.cluster.Bus;
import org.socialvp.wschat.cluster.NameDirectory;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * The rules of the commands (PROTOCOL.md §1–2, §6), one method per command. Runs on the sending
 * connection's read thread; nothing here blocks but a question to the cluster.
 */
final class Commands {

    private static final System.Logger LOG = System.getLogger(Commands.class.getName());

    private final Frames frames;
    private final Delivery delivery;
    private final Presence presence;
    private final NameDirectory directory;
    private final Bus bus;

    Commands(Frames frames, Delivery delivery, Presence presence, NameDirectory directory, Bus bus) {
        this.frames = frames;
        this.delivery = delivery;
        this.presence = presence;
        this.directory = directory;
        this.bus = bus;
    }

    void handle(Client client, Command command) {
        if (command instanceof Command.Identify identify) {
            identify(client, identify.name());
        } else if (!client.isIdentified()) {
            delivery.to(client, frames.outcome(OutcomeCode.NOT_IDENTIFIED));
        } else if (command instanceof Command.Broadcast broadcast) {
            broadcast(client, broadcast);
        } else if (command instanceof Command.Message message) {
            message(client, message);
        } else if (command instanceof Command.ListNames) {
            list(client);
        }
    }

    /**
     * Claims {@code name}, or renames: the new name is claimed atomically first, then the old one
     * released, so a client is never without a name while renaming and a failed rename keeps the
     * old one. The others hear {@code quit}/{@code join} before the client gets its 300, so anyone
     * who identifies after that 300 never hears an old {@code join}. If the connection closed
     * meanwhile ({@link Departures#leave} on another thread), the name just claimed is released
     * here: whichever of the two runs last sees the other's write.
     */
    private void identify(Client client, String name) {
        Room room = client.room();
        String previous = client.name();
        if (name.equals(previous)) {
            delivery.to(client, frames.outcome(OutcomeCode.IDENTIFIED));
            return;
        }
        if (!room.claim(name, client)) {
            delivery.to(client, frames.outcome(OutcomeCode.NAME_TAKEN));
            return;
        }
        NameDirectory.Claim elsewhere = directory.claim(room.name(), name);
        if (elsewhere == NameDirectory.Claim.TAKEN) {
            room.release(name, client);
            delivery.to(client, frames.outcome(OutcomeCode.NAME_TAKEN));
            return;
        }
        if (elsewhere == NameDirectory.Claim.TAKEN_OVER) {
            presence.tookOver(client, name);
        }
        client.name(name);
        if (previous != null) {
            presence.left(client, previous);
        }
        presence.joined(client, name);
        delivery.to(client, frames.outcome(OutcomeCode.IDENTIFIED));
        LOG.log(Level.DEBUG, () -> client + " identified");
        if (client.isGone()) {
            presence.left(client, name);
        }
    }

    /** To every other identified viewer of the room; no answer. */
    private void broadcast(Client client, Command.Broadcast broadcast) {
        delivery.toOthers(client, frames.encode(new Event.Broadcast(client.name(), broadcast.message())));
    }

    /** To the one viewer called {@code to}, here or on another server; 404 if nobody is. */
    private void message(Client client, Command.Message message) {
        Room room = client.room();
        Client to = room.find(message.to());
        Frame frame = frames.encode(new Event.Message(client.name(), message.message()));
        if (to != null) {
            delivery.to(to, frame);
        } else if (bus.sendTo(room.name(), message.to(), frame.text()) != Bus.Reach.DELIVERED) {
            delivery.to(client, frames.outcome(OutcomeCode.NO_SUCH_CLIENT));
        }
    }

    /** The room's names, all servers' if the directory can say, this server's otherwise. */
    private void list(Client client) {
        Room room = client.room();
        delivery.to(client, frames.encode(new Event.NameList(
                directory.names(room.name()).orElseGet(room::sortedNames))));
    }
}
