package org.socialvp.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.RedisServer;

/**
 * Frames between two "servers" over a real Redis: who gets what, and in which order.
 *
 * <p>That a frame did not arrive is proved with a marker, not by waiting a while: a marker is
 * published after the frame that must not arrive (by the same server, whose publishes Redis
 * executes in order, or once another server has received that frame), and the receiver's next
 * delivery must be the marker. Redis writes a subscriber everything in the order it executed the
 * publishes, and the bus delivers from its one subscriber connection in that order, so a frame
 * published before the marker would arrive first.
 */
class RedisBusTest {

    private RedisServer redisServer;
    private RedisClient client;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startRedis() {
        redisServer = RedisServer.start();
        client = RedisClient.create(redisServer.url());
    }

    @AfterEach
    void stopRedis() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        if (client != null) {
            client.shutdown();
        }
        if (redisServer != null) {
            redisServer.close();
        }
    }

    @Test
    void aBroadcastReachesTheOtherServersInTheRoomButNotItsOrigin() throws Exception {
        Server a = server("a");
        Server b = server("b");
        Server c = server("c");
        a.bus.subscribe("party");
        b.bus.subscribe("party");
        c.bus.subscribe("elsewhere");
        a.bus.broadcast("party", "{\"hello\":1}");
        assertEquals("party " + "{\"hello\":1}", b.next()); // published: b heard it
        b.bus.broadcast("party", "back");
        b.bus.broadcast("party", "marker");
        b.bus.broadcast("elsewhere", "marker");
        assertEquals("party back", a.next(), "a server does not hear its own broadcast");
        assertEquals("party marker", a.next(), "nor anything twice");
        assertEquals("elsewhere marker", c.next(), "nor does a server with nobody in the room");
    }

    @Test
    void aDirectMessageGoesToTheServerHoldingTheNameAndIsRefusedWhenNobodyHoldsIt() throws Exception {
        Server a = server("a");
        Server b = server("b");
        b.directory.claim("party", "bob");
        b.directory.claim("party", "marker");
        assertTrue(a.bus.message("party", "bob", "hi bob"));
        assertEquals("party bob hi bob", b.next());
        assertFalse(a.bus.message("party", "nobody", "hello?"));
        assertFalse(a.bus.message("other", "bob", "wrong room"));
        b.directory.release("party", "bob");
        assertFalse(a.bus.message("party", "bob", "gone"));
        assertTrue(a.bus.message("party", "marker", "after the refused ones"));
        assertEquals("party marker after the refused ones", b.next(), "no refused message reached b");
    }

    @Test
    void aThousandMixedFramesFromOneSenderArriveInOrder() throws Exception {
        Server a = server("a");
        Server b = server("b");
        a.bus.subscribe("party");
        b.bus.subscribe("party");
        b.directory.claim("party", "bob");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            if (i % 3 == 0) {
                assertTrue(a.bus.message("party", "bob", "m" + i));
                sent.add("party bob m" + i);
            } else {
                a.bus.broadcast("party", "b" + i);
                sent.add("party b" + i);
            }
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            received.add(b.next());
        }
        assertEquals(sent, received);
    }

    @Test
    void aServerHearsExactlyTheRoomsItIsSubscribedTo() throws Exception {
        Server a = server("a");
        Server b = server("b");
        b.directory.claim("marks", "marker"); // b hears its own channel, whatever its rooms
        b.bus.subscribe("party");
        a.bus.broadcast("party", "heard");
        assertEquals("party heard", b.next());
        b.bus.unsubscribe("party");
        a.bus.broadcast("party", "not heard");
        assertTrue(a.bus.message("marks", "marker", "1"));
        assertEquals("marks marker 1", b.next(), "an unsubscribed room is not heard");
        b.bus.subscribe("stale");
        b.bus.subscribeExactly(Set.of("party")); // as after an outage: stale rooms go, wanted ones come
        a.bus.broadcast("stale", "not heard either");
        a.bus.broadcast("party", "heard again");
        assertTrue(a.bus.message("marks", "marker", "2"));
        assertEquals("party heard again", b.next(), "a room it no longer wants is not heard, one it wants is");
        assertEquals("marks marker 2", b.next(), "and heard once");
    }

    /** One server: its bus, its directory, and what was delivered to it, as "room [name] frame". */
    private final class Server {
        final BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        final RedisBus bus;
        final RedisDirectory directory;

        Server(String id) {
            bus = new RedisBus(client, client.connect(), id, new Receiver() {
                @Override
                public void toRoom(String room, String frame) {
                    delivered.add(room + " " + frame);
                }

                @Override
                public void toName(String room, String name, String frame) {
                    delivered.add(room + " " + name + " " + frame);
                }

                @Override
                public void freed(String room, String name) {
                    throw new AssertionError("the bus never frees names");
                }

                @Override
                public void reclaimed(String room, String name) {
                    throw new AssertionError("the bus never claims names");
                }

                @Override
                public void releasedUnheard(String room, String name) {
                    throw new AssertionError("the bus never releases names");
                }
            });
            directory = new RedisDirectory(client.connect().sync(), id, 10_000);
            directory.renewLease();
        }

        /** The next delivery, or fails once {@link ChatClient#PATIENCE} is spent. */
        String next() throws InterruptedException {
            String frame = delivered.poll(ChatClient.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("nothing delivered within " + ChatClient.PATIENCE);
            }
            return frame;
        }
    }

    private Server server(String id) {
        Server server = new Server(id);
        closing.add(server.bus);
        return server;
    }
}
