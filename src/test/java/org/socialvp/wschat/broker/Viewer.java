package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import org.socialvp.wschat.testing.FakePeer;
import org.socialvp.wschat.testing.FakePeer.Completes;

/** A viewer of a broker under test: a scripted peer, the connection the broker opened for it, and how to talk. */
record Viewer(FakePeer peer, Connection connection) {

    private static final JsonProvider JSON = JsonProvider.provider();

    /** Connects to {@code room} and takes the init frame. */
    static Viewer connect(Broker broker, String room) throws InterruptedException {
        FakePeer peer = new FakePeer(Completes.INLINE, false);
        Viewer viewer = new Viewer(peer, broker.open(peer, room));
        assertEquals(room, viewer.next("init").getString("room"), "the init frame comes first");
        return viewer;
    }

    /** Connects and identifies as {@code name}, which must be granted. */
    static Viewer identified(Broker broker, String room, String name) throws InterruptedException {
        Viewer viewer = connect(broker, room);
        viewer.send("{\"command\":\"identify\",\"name\":\"" + name + "\"}");
        assertEquals(300, viewer.next("outcome").getInt("code"));
        return viewer;
    }

    JsonObject next() throws InterruptedException {
        String text = peer.next();
        assertTrue(text != null, "a frame");
        return JSON.createReader(new StringReader(text)).readObject();
    }

    JsonObject next(String type) throws InterruptedException {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type"), frame::toString);
        return frame;
    }

    void send(String text) {
        connection.text(text, true);
    }
}
