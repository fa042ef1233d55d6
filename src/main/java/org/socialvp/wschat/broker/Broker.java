package org.socialvp.wschat.broker;

import jakarta.json.spi.JsonProvider;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.protocol.Command;
import org.socialvp.wschat.protocol.CommandDecoder;
import org.socialvp.wschat.protocol.Event;
import org.socialvp.wschat.protocol.EventEncoder;
import org.socialvp.wschat.protocol.OutcomeCode;

/**
 * The registry of rooms and clients, and the rules of the protocol: one per deployed WAR.
 *
 * <p><b>Threads.</b> The container calls {@link #receive} on the connection's read thread, one
 * message at a time per connection, many connections at once. Nothing here takes a lock: rooms
 * and names live in {@link ConcurrentHashMap}s, a name is claimed with one atomic
 * {@code putIfAbsent}, and every frame goes to the recipient's {@link Outbox}, which never blocks.
 * Creating and removing rooms is {@link Rooms}' job and never on the message path.
 *
 * <p><b>Encoding.</b> Each event is encoded once; a broadcast hands the same {@link Frame} to
 * every recipient.
 */
public final class Broker {

    public static final String LOBBY = "lobby";
    static final String WELCOME = "Welcome to WSChat! Identify yourself to start.";

    private static final System.Logger LOG = System.getLogger(Broker.class.getName());

    private final Settings settings;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final ScheduledThreadPoolExecutor housekeeping;
    private final Rooms rooms = new Rooms(name -> encode(new Event.Init(WELCOME, name)));
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /** The fixed outcomes, encoded once. */
    private final Map<OutcomeCode, Frame> outcomes = new EnumMap<>(OutcomeCode.class);

    public Broker(Settings settings, JsonProvider json) {
        this.settings = settings;
        this.decoder = new CommandDecoder(json, settings.maxJsonDepth());
        this.encoder = new EventEncoder(json);
        this.housekeeping = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "wschat-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        housekeeping.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        housekeeping.setRemoveOnCancelPolicy(true);
        for (OutcomeCode code : OutcomeCode.values()) {
            outcomes.put(code, encode(Event.Outcome.of(code)));
        }
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Registers a new connection to {@code roomName} and sends it the init frame.
     */
    public Client open(Session session, String roomName) {
        Room room = rooms.join(roomName);
        Client client = new Client(session, room, outboxOwner ->
                new Outbox(session, settings.sendQueueMaxBytes(), housekeeping,
                        TimeUnit.SECONDS.toMillis(settings.pongTimeoutSeconds()), () -> slowConsumer(outboxOwner)));
        clients.add(client);
        LOG.log(Level.DEBUG, () -> client + " connected");
        client.outbox().offer(room.init());
        return client;
    }

    /**
     * One part of a text message from {@code client}; the command runs once the last part is in.
     */
    public void receive(Client client, String part, boolean last) {
        if (client.isGone()) {
            return;
        }
        String text;
        try {
            text = client.collect(part, last, settings.maxMessageBytes());
        } catch (Client.MessageTooBigException e) {
            LOG.log(Level.INFO, () -> client + " closed: message over " + settings.maxMessageBytes() + " bytes");
            close(client, new CloseReason(CloseCodes.TOO_BIG, "message too big"));
            return;
        }
        if (text == null) {
            return;
        }
        Command command;
        try {
            command = decoder.decode(text);
        } catch (DecodeException e) {
            send(client, encode(Event.Outcome.of(OutcomeCode.BAD_REQUEST, e.getMessage())));
            return;
        }
        handle(client, command);
    }

    /** A binary frame from {@code client}: the protocol is text only, so the connection is closed with 1003. */
    public void binary(Client client) {
        if (client.isGone()) {
            return;
        }
        LOG.log(Level.INFO, () -> client + " closed: binary frame");
        close(client, new CloseReason(CloseCodes.CANNOT_ACCEPT, "binary frames are not supported"));
    }

    /** The container closed the connection (any reason: clean close, reset, timeout, our own close). */
    public void closed(Client client, CloseReason reason) {
        LOG.log(Level.DEBUG, () -> client + " closed: " + reason.getCloseCode().getCode()
                + " " + reason.getReasonPhrase());
        leave(client);
        client.outbox().close(reason);
    }

    /** Stops the housekeeping thread. The container closes the sessions themselves on undeploy. */
    public void shutdown() {
        housekeeping.shutdownNow();
        try {
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Open connections on this server. */
    public int connectionCount() {
        return clients.size();
    }

    /** Rooms that have at least one connection. */
    public int roomCount() {
        return rooms.size();
    }

    private void handle(Client client, Command command) {
        if (command instanceof Command.Identify identify) {
            identify(client, identify.name());
        } else if (!client.isIdentified()) {
            send(client, outcomes.get(OutcomeCode.NOT_IDENTIFIED));
        } else if (command instanceof Command.Broadcast broadcast) {
            sendToOthers(client, encode(new Event.Broadcast(client.name(), broadcast.message())));
        } else if (command instanceof Command.Message message) {
            Client to = client.room().find(message.to());
            if (to == null) {
                send(client, outcomes.get(OutcomeCode.NO_SUCH_CLIENT));
            } else {
                send(to, encode(new Event.Message(client.name(), message.message())));
            }
        } else if (command instanceof Command.ListNames) {
            send(client, encode(new Event.NameList(client.room().sortedNames())));
        }
    }

    /**
     * Claims {@code name}, or renames: the new name is claimed atomically first, then the old one
     * released, so a client is never without a name while renaming and a failed rename keeps the
     * old one. If the connection closed meanwhile ({@link #leave} on another thread), the name
     * just claimed is released here: whichever of the two runs last sees the other's write.
     */
    private void identify(Client client, String name) {
        Room room = client.room();
        String previous = client.name();
        if (name.equals(previous)) {
            send(client, outcomes.get(OutcomeCode.IDENTIFIED));
            return;
        }
        if (!room.claim(name, client)) {
            send(client, outcomes.get(OutcomeCode.NAME_TAKEN));
            return;
        }
        client.name(name);
        send(client, outcomes.get(OutcomeCode.IDENTIFIED));
        if (previous != null) {
            release(client, previous);
        }
        sendToOthers(client, encode(new Event.Join(name)));
        LOG.log(Level.DEBUG, () -> client + " identified");
        if (client.isGone()) {
            release(client, name);
        }
    }

    private void slowConsumer(Client client) {
        LOG.log(Level.INFO, () -> client + " closed: slow consumer, more than "
                + settings.sendQueueMaxBytes() + " bytes waiting");
        close(client, new CloseReason(CloseCodes.TRY_AGAIN_LATER, "slow consumer"));
    }

    /** Server-side close: the client leaves at once; its outbox closes the session when it can. */
    private void close(Client client, CloseReason reason) {
        leave(client);
        client.outbox().close(reason);
    }

    /** Releases the client's name (others see {@code quit}) and its place in the room; idempotent. */
    private void leave(Client client) {
        if (!client.leave()) {
            return;
        }
        String name = client.name();
        if (name != null) {
            release(client, name);
        }
        clients.remove(client);
        rooms.leave(client.room());
    }

    private void release(Client client, String name) {
        if (client.room().release(name, client)) {
            sendToOthers(client, encode(new Event.Quit(name)));
        }
    }

    private void sendToOthers(Client sender, Frame frame) {
        for (Client recipient : sender.room().identified()) {
            if (recipient != sender) {
                send(recipient, frame);
            }
        }
    }

    private void send(Client recipient, Frame frame) {
        recipient.outbox().offer(frame);
    }

    private Frame encode(Event event) {
        return Frame.of(encoder.encode(event));
    }
}
