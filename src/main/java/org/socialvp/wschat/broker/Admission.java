package org.socialvp.wschat.broker;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Outbox;
import org.socialvp.wschat.outbox.Peer;
import org.socialvp.wschat.outbox.WorkerThreads;
import org.socialvp.wschat.protocol.Disconnect;

/**
 * Lets connections in (PROTOCOL.md §5, §7): a valid room, room on the server and in the room;
 * then the client, its flood control and its outbox, and the init frame first of all.
 */
final class Admission {

    private static final System.Logger LOG = System.getLogger(Admission.class.getName());

    private final Settings settings;
    private final Registry registry;
    private final WorkerThreads threads;
    private final Frames frames;
    private final Delivery delivery;
    private final Inbound inbound;
    private final Departures departures;
    /** How many bytes the container batches into one write (0: none), learnt from the first connection. */
    private volatile Integer containerBatchBytes;

    Admission(Settings settings, Registry registry, WorkerThreads threads, Frames frames, Delivery delivery,
            Inbound inbound, Departures departures) {
        this.settings = settings;
        this.registry = registry;
        this.threads = threads;
        this.frames = frames;
        this.delivery = delivery;
        this.inbound = inbound;
        this.departures = departures;
    }

    /**
     * Admits a new connection to {@code roomName} and sends it its init frame.
     *
     * @return the connection, or {@link Connection#NONE} if it was refused (and closed): an
     *         invalid room name (1008), a full server or room (1013)
     */
    Connection open(Peer peer, String roomName) {
        if (!Rooms.isValidName(roomName)) {
            return refuse(peer, "(invalid)", Disconnect.INVALID_ROOM);
        }
        if (!registry.reserve(settings.maxConnections())) {
            return refuse(peer, roomName, Disconnect.SERVER_FULL);
        }
        Room room = registry.rooms().join(roomName);
        if (room == null) {
            registry.unreserve();
            return refuse(peer, roomName, Disconnect.ROOM_FULL);
        }
        if (containerBatchBytes == null) {
            containerBatchBytes = peer.batchBytes();
        }
        long now = System.nanoTime();
        FloodControl flood = new FloodControl(
                settings.rateLimited() ? new RateLimiter(settings.rateLimitPerSecond(), settings.rateLimitBurst(), now) : null,
                settings.byteRateLimited()
                        ? new RateLimiter(settings.rateLimitBytesPerSecond(), settings.rateLimitBytesBurst(), now) : null);
        long graceMillis = TimeUnit.SECONDS.toMillis(settings.pongTimeoutSeconds());
        Client client = new Client(peer.id(), room, now, flood, self -> new Outbox(peer, settings.sendQueueMaxBytes(),
                threads.writers(), containerBatchBytes, threads.housekeeping(), graceMillis,
                () -> departures.close(self, Disconnect.SLOW_CONSUMER)));
        registry.add(client);
        LOG.log(Level.DEBUG, () -> client + " connected");
        delivery.to(client, frames.init(roomName));
        return new ClientConnection(client, inbound, departures);
    }

    private static Connection refuse(Peer peer, String roomName, Disconnect why) {
        LOG.log(Level.INFO, () -> "conn=" + peer.id() + " room=" + roomName + " refused " + why.code() + ": "
                + why.logText());
        peer.close(why.code(), why.reason());
        return Connection.NONE;
    }

    /** What the container reports about one admitted connection, handed to the roles. */
    private record ClientConnection(Client client, Inbound inbound, Departures departures) implements Connection {

        @Override
        public void text(String part, boolean last) {
            inbound.receive(client, part, last);
        }

        @Override
        public void binary() {
            inbound.binary(client);
        }

        @Override
        public void pong() {
            client.pongReceived();
            Session session = client.session();
            if (session != null) {
                session.ponged(client);
            }
        }

        @Override
        public void closed(int code, String reason) {
            departures.closedByContainer(client, code, reason);
        }
    }
}
