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
import org.socialvp.wschat.broker.Broker;
import org.socialvp.wschat.broker.Client;
import org.socialvp.wschat.ops.WsChatLifecycle;

/**
 * The WebSocket endpoint: one instance per connection, delegating everything to the {@link Broker}.
 * It is mapped twice, by its two subclasses: {@link LobbyEndpoint} at {@code /wschat} (the room
 * {@code lobby}) and {@link RoomEndpoint} at {@code /wschat/{room}}.
 *
 * <p>Text arrives as parts ({@code last} marks the end of a message) so that the container's
 * per-connection buffer can stay small while the broker assembles the rare large message up to
 * {@code wschat.maxMessageBytes}. The protocol is text only: a binary frame closes the connection
 * with 1003. {@link #client} is {@code null} when the broker refused the connection (invalid
 * room, server or room full) and closed it in {@link #open}.
 */
public abstract class ChatEndpoint {

    private static final System.Logger LOG = System.getLogger(ChatEndpoint.class.getName());

    private Broker broker;
    private Client client;

    @OnOpen
    public void open(Session session) {
        broker = WsChatLifecycle.broker();
        client = broker.open(session, session.getPathParameters().getOrDefault("room", Broker.LOBBY));
        if (client != null) {
            broker.welcome(client);
        }
    }

    @OnMessage
    public void text(String part, boolean last) {
        if (client != null) {
            broker.receive(client, part, last);
        }
    }

    @OnMessage
    public void binary(ByteBuffer part, boolean last) {
        if (client != null) {
            broker.binary(client);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (client != null) {
            broker.pong(client);
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        if (client != null) {
            broker.closed(client, reason);
        }
    }

    /** I/O trouble with a peer is routine (it vanished); anything else is a bug and logged as such. */
    @OnError
    public void error(Throwable error) {
        String who = client == null ? "connection" : client.toString();
        if (error instanceof IOException) {
            LOG.log(Level.DEBUG, () -> who + " I/O error: " + error);
        } else {
            LOG.log(Level.WARNING, who + " failed", error);
        }
    }
}
