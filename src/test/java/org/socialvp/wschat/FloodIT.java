package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;

/** The token bucket at its defaults: 50 messages a second, bursts of 100. */
@ExtendWith(ArquillianExtension.class)
class FloodIT {

    @ArquillianResource
    private URL deployment;

    private URI lobby;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @BeforeEach
    void locate() {
        lobby = Deployments.quietLobby(deployment);
    }

    @Test
    void everyOneOfThreeHundredInstantBroadcastsIsDeliveredOrAnswered429() {
        try (ChatClient alice = ChatClient.identified(lobby, "alice");
                ChatClient bob = ChatClient.identified(lobby, "bob")) {
            alice.next("join");
            for (int seq = 0; seq < 300; seq++) {
                alice.broadcast("{\"seq\":" + seq + "}");
            }
            List<Integer> delivered = new ArrayList<>();
            int tooMany = 0;
            long deadline = System.nanoTime() + ChatClient.PATIENCE.toNanos();
            while (delivered.size() + tooMany < 300) {
                assertTrue(System.nanoTime() < deadline,
                        "only " + delivered.size() + " delivered + " + tooMany + " answered 429");
                JsonObject atBob = bob.poll(Duration.ofMillis(10));
                if (atBob != null) {
                    assertEquals("broadcast", atBob.getString("type"));
                    delivered.add(atBob.getJsonObject("message").getInt("seq"));
                }
                JsonObject atAlice = alice.poll(Duration.ofMillis(10));
                if (atAlice != null) {
                    assertEquals(429, atAlice.getInt("code"), atAlice::toString);
                    assertEquals("Too many messages", atAlice.getString("message"));
                    tooMany++;
                }
            }
            assertTrue(delivered.size() >= 100, "the burst passes: " + delivered.size());
            assertTrue(tooMany >= 150, "most of the rest is refused: " + tooMany);
            for (int i = 1; i < delivered.size(); i++) {
                assertTrue(delivered.get(i) > delivered.get(i - 1), "in order, each once");
            }
            bob.expectNothingMore();
            expectNothingMoreAllowing429(alice);
        }
    }

    @Test
    void aSustainedFloodIsClosedWith1008AndTheOthersSeeItQuit() throws Exception {
        ExecutorService flooding = Executors.newSingleThreadExecutor();
        try (ChatClient watcher = ChatClient.identified(lobby, "watcher");
                ChatClient flooder = ChatClient.identified(lobby, "flooder")) {
            watcher.next("join");
            // About 1,000 frames a second: 20 times the limit.
            Future<?> flood = flooding.submit(() -> {
                long started = System.nanoTime();
                while (!flooder.isClosed() && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
                    try {
                        for (int i = 0; i < 50; i++) {
                            flooder.broadcast("\"spam\"");
                        }
                        Thread.sleep(50);
                    } catch (RuntimeException closedUnderUs) {
                        return null;
                    }
                }
                return null;
            });
            ChatClient.Close close = flooder.awaitClose();
            assertEquals(1008, close.code());
            assertEquals("flooding", close.reason());
            flood.get();
            JsonObject frame;
            do {
                frame = watcher.next();
            } while (frame.getString("type").equals("broadcast"));
            assertEquals("quit", frame.getString("type"));
            assertEquals("flooder", frame.getString("who"));
            watcher.expectNothingMore();
        } finally {
            flooding.shutdownNow();
        }
    }

    /** Asks for the list until the answer is the list itself, not a 429 for the asking. */
    private static void expectNothingMoreAllowing429(ChatClient client) {
        while (true) {
            client.send("{\"command\":\"list\"}");
            JsonObject frame = client.next();
            if (frame.getString("type").equals("list")) {
                return;
            }
            assertEquals(429, frame.getInt("code"), frame::toString);
        }
    }
}
