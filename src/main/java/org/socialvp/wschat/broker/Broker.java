package org.socialvp.wschat.broker;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCode;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Session;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Creating and removing rooms is {@link Rooms}' job and never on the message path. One
 * housekeeping thread sends pings, enforces the identify and pong timeouts and performs closes
 * (which may block briefly in the container); a few writer threads write batches of frames
 * ({@link WorkerThreads}).
 *
 * <p><b>Encoding.</b> Each event is encoded once; a broadcast hands the same {@link Frame} to
 * every recipient.
 */
public final class Broker {

    public static final String LOBBY = "lobby";
    static final String WELCOME = "Welcome to WSChat! Identify yourself to start.";
    /** Tomcat's per-session bound on blocking writes (pings, close frames), in milliseconds. */
    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /**
     * Tomcat's bound on writing the close frame after a protocol error (invalid UTF-8, a bad
     * frame), on the container's own thread. Its default, 50 ms, is shorter than a send already
     * under way can take to finish (up to 130 ms measured), and the close frame — with its 1007 or
     * 1002 — was then dropped; one second is ample and still bounds a peer that stopped reading.
     */
    static final String TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT = "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT";
    private static final long ABNORMAL_CLOSE_SEND_MILLIS = 1000;
    private static final long SWEEP_MILLIS = 1000;

    private static final System.Logger LOG = System.getLogger(Broker.class.getName());

    private final Settings settings;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final WorkerThreads threads = new WorkerThreads();
    private final Rooms rooms;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final Metrics metrics = new Metrics();
    private final long startedAt = System.nanoTime();
    /** The fixed outcomes, encoded once. */
    private final Map<OutcomeCode, Frame> outcomes = new EnumMap<>(OutcomeCode.class);
    private final Frame tooManyBytes;
    private volatile boolean stopping;
    /** Whether the container batches writes, learnt from the first session ({@link Outbox#canBatch}). */
    private volatile Boolean containerBatches;
    /** The other servers; {@link Cluster#SINGLE} unless {@code wschat.redisUrl} is set. */
    private final Cluster cluster;

    /** A broker on its own, in memory. */
    public Broker(Settings settings, JsonProvider json) {
        this(settings, json, Cluster.SINGLE);
    }

    /** A broker that shares its rooms with the other servers of {@code cluster}. */
    public Broker(Settings settings, JsonProvider json, Cluster cluster) {
        this.settings = settings;
        this.cluster = cluster;
        this.decoder = new CommandDecoder(json, settings.maxJsonDepth());
        this.encoder = new EventEncoder(json);
        this.rooms = new Rooms(name -> encode(new Event.Init(WELCOME, name)), settings.maxConnectionsPerRoom());
        for (OutcomeCode code : OutcomeCode.values()) {
            outcomes.put(code, encode(Event.Outcome.of(code)));
        }
        tooManyBytes = encode(Event.Outcome.of(OutcomeCode.TOO_MANY_MESSAGES, "Too many bytes per second"));
        warmUpEncoder();
        cluster.start(new ClusterReceiver());
        threads.housekeeping.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    public Settings settings() {
        return settings;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The figures of this moment; reads the registry without locking it. */
    public Status status() {
        return new Status(
                connections.get(),
                rooms.identifiedCount(),
                rooms.size(),
                metrics.messagesIn.sum(),
                metrics.messagesOut.sum(),
                metrics.slowConsumerCloses.sum(),
                metrics.rateLimited.sum(),
                metrics.rejectedOrigins.sum(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt),
                rooms.largest(10),
                cluster.state());
    }

    /**
     * Registers a new connection to {@code roomName}. The caller keeps the client where its close
     * notification will find it, then calls {@link #welcome}: a send can fail at once (the peer
     * already gone) and the container then reports the close on another thread, which must not
     * find the connection unknown.
     *
     * @return the client, or {@code null} if the room name is invalid (the session has then been
     *         closed with 1008) or the server or the room is full (closed with 1013)
     */
    public Client open(Session session, String roomName) {
        if (!Rooms.isValidName(roomName)) {
            refuse(session, "(invalid)", CloseCodes.VIOLATED_POLICY, "invalid room");
            return null;
        }
        int count = connections.incrementAndGet();
        if (settings.maxConnections() > 0 && count > settings.maxConnections()) {
            connections.decrementAndGet();
            refuse(session, roomName, CloseCodes.TRY_AGAIN_LATER, "server full");
            return null;
        }
        Room room = rooms.join(roomName);
        if (room == null) {
            connections.decrementAndGet();
            refuse(session, roomName, CloseCodes.TRY_AGAIN_LATER, "room full");
            return null;
        }
        long graceMillis = TimeUnit.SECONDS.toMillis(settings.pongTimeoutSeconds());
        session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, graceMillis);
        session.getUserProperties().put(TOMCAT_ABNORMAL_CLOSE_SEND_TIMEOUT, ABNORMAL_CLOSE_SEND_MILLIS);
        long now = System.nanoTime();
        FloodControl flood = new FloodControl(
                settings.rateLimited() ? new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst(), now) : null,
                settings.byteRateLimited()
                        ? new RateLimiter(settings.rateLimitBytesPerSecond(), settings.rateLimitBytesBurst(), now) : null);
        if (containerBatches == null) {
            containerBatches = Outbox.canBatch(session);
        }
        boolean batching = containerBatches;
        Client client = new Client(session, room, now, flood, self -> new Outbox(session, batching,
                settings.sendQueueMaxBytes(), threads, graceMillis, () -> slowConsumer(self)));
        clients.add(client);
        cluster.opened(roomName);
        LOG.log(Level.DEBUG, () -> client + " connected");
        return client;
    }

    /** Sends a client registered by {@link #open} its init frame. */
    public void welcome(Client client) {
        send(client, client.room().init());
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
            close(client, CloseCodes.TOO_BIG, "message too big",
                    "message over " + settings.maxMessageBytes() + " bytes");
            return;
        }
        if (text == null) {
            return;
        }
        metrics.messagesIn.increment();
        switch (client.admit(System.nanoTime(), Utf8.length(text))) {
            case TOO_MANY_MESSAGES:
                metrics.rateLimited.increment();
                LOG.log(Level.DEBUG, () -> client + " rate limited");
                send(client, outcomes.get(OutcomeCode.TOO_MANY_MESSAGES));
                return;
            case TOO_MANY_BYTES:
                metrics.rateLimited.increment();
                LOG.log(Level.DEBUG, () -> client + " byte rate limited");
                send(client, tooManyBytes);
                return;
            case FLOODING:
                close(client, CloseCodes.VIOLATED_POLICY, "flooding", "flooding at " + RateLimiter.FLOOD_FACTOR
                        + "x a rate limit for " + RateLimiter.FLOOD_SECONDS + " s");
                return;
            default:
                break;
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
        if (!client.isGone()) {
            close(client, CloseCodes.CANNOT_ACCEPT, "binary frames are not supported", "binary frame");
        }
    }

    /** The answer to our last ping. */
    public void pong(Client client) {
        client.pongReceived();
    }

    /** The container closed the connection (any reason: clean close, reset, timeout, our own close). */
    public void closed(Client client, CloseReason reason) {
        LOG.log(Level.DEBUG, () -> client + " closed: " + reason.getCloseCode().getCode()
                + " " + reason.getReasonPhrase());
        leave(client);
        client.outbox().close(reason);
    }

    /**
     * Closes every connection with 1001 and stops the WAR's threads; none survives it. Nobody is sent {@code quit}: everyone is leaving.
     */
    public void shutdown() {
        stopping = true;
        CloseReason goingAway = new CloseReason(CloseCodes.GOING_AWAY, "server shutting down");
        for (Client client : clients) {
            leave(client);
            client.outbox().close(goingAway);
        }
        cluster.shutdown();
        threads.shutdown();
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
            Frame frame = encode(new Event.Message(client.name(), message.message()));
            if (to != null) {
                send(to, frame);
            } else if (!cluster.message(client.room().name(), message.to(), frame.text())) {
                send(client, outcomes.get(OutcomeCode.NO_SUCH_CLIENT));
            }
        } else if (command instanceof Command.ListNames) {
            List<String> names = cluster.names(client.room().name());
            send(client, encode(new Event.NameList(names != null ? names : client.room().sortedNames())));
        }
    }

    /**
     * Claims {@code name}, or renames: the new name is claimed atomically first, then the old one
     * released, so a client is never without a name while renaming and a failed rename keeps the
     * old one. The others hear {@code quit}/{@code join} before the client gets its 300, so anyone
     * who identifies after that 300 never hears an old {@code join}. If the connection closed
     * meanwhile ({@link #leave} on another thread), the name just claimed is released here:
     * whichever of the two runs last sees the other's write.
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
        Cluster.Claim elsewhere = cluster.claim(room.name(), name);
        if (elsewhere == Cluster.Claim.TAKEN) {
            room.release(name, client);
            send(client, outcomes.get(OutcomeCode.NAME_TAKEN));
            return;
        }
        if (elsewhere == Cluster.Claim.TAKEN_OVER) {
            sendToOthers(client, encode(new Event.Quit(name)));
        }
        client.name(name);
        if (previous != null) {
            release(client, previous);
        }
        sendToOthers(client, encode(new Event.Join(name)));
        send(client, outcomes.get(OutcomeCode.IDENTIFIED));
        LOG.log(Level.DEBUG, () -> client + " identified");
        if (client.isGone()) {
            release(client, name);
        }
    }

    /**
     * Once a second: pings, the identify and pong timeouts, and outboxes stranded behind stuck
     * writers. Runs on the housekeeping thread.
     */
    private void sweep() {
        threads.writers.rescueStranded();
        cluster.housekeeping();
        long now = System.nanoTime();
        long identifyTimeout = TimeUnit.SECONDS.toNanos(settings.identifyTimeoutSeconds());
        long pingInterval = TimeUnit.SECONDS.toNanos(settings.pingIntervalSeconds());
        long pongTimeout = TimeUnit.SECONDS.toNanos(settings.pongTimeoutSeconds());
        for (Client client : clients) {
            try {
                if (!client.isIdentified() && now - client.connectedAt() > identifyTimeout) {
                    close(client, CloseCodes.VIOLATED_POLICY, "identify timeout",
                            "not identified within " + settings.identifyTimeoutSeconds() + " s");
                } else if (client.pongOverdue(now, pongTimeout)) {
                    close(client, CloseCodes.GOING_AWAY, "no pong",
                            "no pong within " + settings.pongTimeoutSeconds() + " s");
                } else if (client.pingDue(now, pingInterval)) {
                    client.outbox().ping();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, client + " housekeeping failed", e);
            }
        }
    }

    private void slowConsumer(Client client) {
        metrics.slowConsumerCloses.increment();
        close(client, CloseCodes.TRY_AGAIN_LATER, "slow consumer",
                "slow consumer, more than " + settings.sendQueueMaxBytes() + " bytes waiting");
    }

    private void refuse(Session session, String roomName, CloseCode code, String reason) {
        LOG.log(Level.INFO, () -> "conn=" + session.getId() + " room=" + roomName + " refused " + code.getCode()
                + ": " + reason);
        try {
            session.close(new CloseReason(code, reason));
        } catch (java.io.IOException e) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " close failed: " + e);
        }
    }

    /**
     * Server-side close because a limit was hit: logged, the client leaves at once (name released,
     * {@code quit} sent), and its outbox closes the session as soon as it can.
     */
    private void close(Client client, CloseCode code, String reason, String logDetail) {
        LOG.log(Level.INFO, () -> client + " closed " + code.getCode() + ": " + logDetail);
        leave(client);
        client.outbox().close(new CloseReason(code, reason));
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
        connections.decrementAndGet();
        rooms.leave(client.room());
        cluster.closed(client.room().name());
    }

    private void release(Client client, String name) {
        if (client.room().release(name, client)) {
            cluster.release(client.room().name(), name);
            Frame quit = encode(new Event.Quit(name));
            if (stopping) {
                cluster.broadcast(client.room().name(), quit.text()); // everyone here is leaving too
            } else {
                sendToOthers(client, quit);
            }
        }
    }

    /** To every identified viewer of the sender's room but the sender, here and on the other servers. */
    private void sendToOthers(Client sender, Frame frame) {
        sendToRoom(sender.room(), sender, frame);
        cluster.broadcast(sender.room().name(), frame.text());
    }

    /** To every identified viewer of {@code room} on this server but {@code except} (may be {@code null}). */
    private void sendToRoom(Room room, Client except, Frame frame) {
        for (Client recipient : room.identified()) {
            if (recipient != except) {
                send(recipient, frame);
            }
        }
    }

    private void send(Client recipient, Frame frame) {
        count(recipient.outbox().offer(frame));
    }

    /** A frame from another server: written by the writers, so the relaying thread only queues. */
    private void relay(Client recipient, Frame frame) {
        count(recipient.outbox().offerForWriters(frame));
    }

    private void count(boolean queued) {
        if (queued) {
            metrics.messagesOut.increment();
        }
    }

    /**
     * JSON-B builds its model of a type on first use, which takes milliseconds: do it now for every
     * event type rather than while the first viewers wait.
     */
    private void warmUpEncoder() {
        JsonValue sample = JsonValue.EMPTY_JSON_OBJECT;
        encode(new Event.Init(WELCOME, LOBBY));
        encode(new Event.Broadcast(LOBBY, sample));
        encode(new Event.Message(LOBBY, sample));
        encode(new Event.Join(LOBBY));
        encode(new Event.Quit(LOBBY));
        encode(new Event.NameList(List.of(LOBBY)));
    }

    private Frame encode(Event event) {
        return Frame.of(encoder.encode(event));
    }

    /** What the other servers send: delivered to this server's viewers only, never sent on. */
    private final class ClusterReceiver implements Cluster.Receiver {

        @Override
        public void toRoom(String roomName, String frame) {
            Room room = rooms.get(roomName);
            if (room != null) {
                Frame relayed = Frame.of(frame);
                for (Client recipient : room.identified()) {
                    relay(recipient, relayed);
                }
            }
        }

        @Override
        public void toName(String roomName, String name, String frame) {
            Room room = rooms.get(roomName);
            Client to = room == null ? null : room.find(name);
            if (to != null) {
                relay(to, Frame.of(frame));
            }
        }

        /** Announced here and to the others: the freeing server is the only one that knows. */
        @Override
        public void freed(String roomName, String name) {
            Frame quit = encode(new Event.Quit(name));
            Room room = rooms.get(roomName);
            if (room != null) {
                sendToRoom(room, null, quit);
            }
            cluster.broadcast(roomName, quit.text());
        }

        @Override
        public void reclaimed(String roomName, String name) {
            cluster.broadcast(roomName, encode(new Event.Join(name)).text());
        }

        @Override
        public void releasedUnheard(String roomName, String name) {
            cluster.broadcast(roomName, encode(new Event.Quit(name)).text());
        }
    }
}
