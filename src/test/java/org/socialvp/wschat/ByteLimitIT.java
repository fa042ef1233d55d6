package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
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

/**
 * The byte rate limit, scaled down so that a test can reach it: 10,000 bytes a second in bursts
 * of 45,000 (four messages of 10,000 bytes and the commands around them, not five), messages of
 * up to 20,000 bytes, and the message count limit off so that only bytes count.
 */
@ExtendWith(ArquillianExtension.class)
class ByteLimitIT {

    /** About 10,000 bytes as a broadcast command. */
    private static final String TEN_KB = "\"" + "x".repeat(10_000 - 40) + "\"";

    @ArquillianResource
    private URL deployment;

    private URI lobby;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of(
                "wschat.maxMessageBytes", "20000",
                "wschat.rateLimitBytesPerSecond", "10000",
                "wschat.rateLimitBytesBurst", "45000",
                "wschat.rateLimitPerSecond", "0"));
    }

    @BeforeEach
    void locate() {
        lobby = Deployments.quietLobby(deployment);
    }

    @Test
    void bytesBeyondTheBurstAreAnswered429AndDroppedAndTheConnectionStays() {
        try (ChatClient alice = ChatClient.identified(lobby, "alice");
                ChatClient bob = ChatClient.identified(lobby, "bob")) {
            alice.next("join");
            for (int i = 0; i < 5; i++) {
                alice.broadcast(TEN_KB);
            }
            JsonObject refused = alice.next("outcome");
            assertEquals(429, refused.getInt("code"));
            assertEquals("Too many bytes per second", refused.getString("message"));
            for (int i = 0; i < 4; i++) {
                assertEquals(TEN_KB.length() - 2, bob.next("broadcast").getString("message").length(),
                        "the burst of four passes");
            }
            bob.expectNothingMore();
            alice.expectNothingMore();
            alice.broadcast("\"small things still pass\"");
            assertEquals("small things still pass", bob.next("broadcast").getString("message"));
        }
    }

    @Test
    void aSustainedByteFloodIsClosedWith1008AndTheOthersSeeItQuit() throws Exception {
        ExecutorService flooding = Executors.newSingleThreadExecutor();
        try (ChatClient watcher = ChatClient.identified(lobby, "watcher");
                ChatClient flooder = ChatClient.identified(lobby, "flooder")) {
            watcher.next("join");
            // About 200,000 bytes a second: 20 times the limit, in few messages.
            Future<?> flood = flooding.submit(() -> {
                long started = System.nanoTime();
                while (!flooder.isClosed() && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
                    try {
                        for (int i = 0; i < 2; i++) {
                            flooder.broadcast(TEN_KB);
                        }
                        Thread.sleep(100);
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
}
