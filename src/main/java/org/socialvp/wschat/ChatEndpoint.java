package org.socialvp.wschat;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Connection;

/**
 * The WebSocket endpoint: one instance per connection, created by {@link EndpointConfigurator}
 * with the deployment's {@link Broker}, and delegating everything to the {@link Connection} the
 * broker opens. It is mapped twice, by its two subclasses: {@link LobbyEndpoint} at
 * {@code /wschat} (the room {@code lobby}) and {@link RoomEndpoint} at {@code /wschat/{room}}.
 *
 * <p>Text arrives as parts ({@code last} marks the end of a message) so that the container's
 * per-connection buffer can stay small while the broker assembles the rare large message.
 */
public abstract class ChatEndpoint {

    private static final System.Logger LOG = System.getLogger(ChatEndpoint.class.getName());

    private final Broker broker;
    private volatile Connection connection = Connection.NONE;
    /** {@code null} until opened. */
    private SessionPeer peer;

    protected ChatEndpoint(Broker broker) {
        this.broker = broker;
    }

    /**
     * Synchronized with {@link #close}: if a first send fails, the container may report the
     * close on another thread before this has returned, and that close must find the connection.
     */
    @OnOpen
    public synchronized void open(Session session) {
        long blockingSendMillis = TimeUnit.SECONDS.toMillis(broker.settings().pongTimeoutSeconds());
        peer = new SessionPeer(session, blockingSendMillis);
        connection = broker.open(peer, session.getPathParameters().getOrDefault("room", Broker.LOBBY));
    }

    @OnMessage
    public void text(String part, boolean last) {
        connection.text(part, last);
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        connection.binary();
    }

    @OnMessage
    public void pong(PongMessage pong) {
        connection.pong();
    }

    /**
     * Nothing is written to the connection from here on, and the container closes it only after a
     * write under way has finished ({@link WriteGate}); then the broker hears of it.
     */
    @OnClose
    public synchronized void close(CloseReason reason) {
        if (peer != null) {
            peer.closedByContainer();
        }
        connection.closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
    }

    /** I/O trouble with a peer is routine (it vanished); anything else is a bug and logged as such. */
    @OnError
    public void error(Session session, Throwable error) {
        if (error instanceof IOException) {
            LOG.log(Level.DEBUG, () -> "conn=" + session.getId() + " I/O error: " + error);
        } else {
            LOG.log(Level.WARNING, "conn=" + session.getId() + " failed", error);
        }
    }
}
