package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** A viewer whose connection stops reading must not hold up anybody else. */
class SlowConsumerIT extends DeployedWarIT {

    private static final int MESSAGES = 3 * 1024;
    private static final int PAYLOAD_BYTES = 10 * 1024; // 3,072 × 10 KiB = 30 MiB
    private static final int WINDOW = 32; // 320 KiB, well under the 4 MiB outbox bound

    @Deployment(testable = false)
    static WebArchive war() {
        // Rate limits off for the 3,072 broadcasts (30 MiB); a long pong timeout so the stalled client,
        // once it reads again, still finds its close frame waiting rather than a dropped connection.
        return Deployments.wschat(Map.of(
                "wschat.rateLimitPerSecond", "0",
                "wschat.rateLimitBytesPerSecond", "0",
                "wschat.pingIntervalSeconds", "600",
                "wschat.pongTimeoutSeconds", "60"));
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013WhileAHealthyOneGetsEverythingPromptly() throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob");
                RawClient sloth = RawClient.connect(lobby(), Map.of(), 16 * 1024)) {
            alice.next("join");
            assertEquals(300, sloth.identify("sloth"));
            alice.next("join");
            bob.next("join");

            // Bob is healthy: he keeps up. Alice never runs more than WINDOW broadcasts ahead of what he has
            // read, so only a client that stops reading can overflow its outbox, whatever the machine's load.
            Semaphore window = new Semaphore(WINDOW);
            Future<long[]> bobsView = reader.submit(() -> {
                long maxLatency = 0;
                boolean sawSlothQuit = false;
                for (int seq = 0; seq < MESSAGES; ) {
                    JsonObject frame = bob.next();
                    if (frame.getString("type").equals("quit")) {
                        assertEquals("sloth", frame.getString("who"));
                        sawSlothQuit = true;
                        continue;
                    }
                    JsonObject payload = frame.getJsonObject("message");
                    assertEquals(seq, payload.getInt("seq"), "bob gets every broadcast, in order");
                    maxLatency = Math.max(maxLatency, System.nanoTime() - payload.getJsonNumber("sentAt").longValue());
                    window.release();
                    seq++;
                }
                return new long[] {maxLatency, sawSlothQuit ? 1 : 0};
            });

            String padding = "p".repeat(PAYLOAD_BYTES);
            for (int seq = 0; seq < MESSAGES; seq++) {
                assertTrue(window.tryAcquire(ChatClient.PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "bob stopped reading");
                alice.broadcast("{\"seq\":" + seq + ",\"sentAt\":" + System.nanoTime() + ",\"pad\":\"" + padding + "\"}");
            }

            long[] result = bobsView.get(2, TimeUnit.MINUTES);
            long maxLatencyMillis = TimeUnit.NANOSECONDS.toMillis(result[0]);
            assertTrue(maxLatencyMillis < 2000, "bob waited up to " + maxLatencyMillis + " ms for a broadcast");
            assertEquals(1, result[1], "bob was told the sloth left");

            RawClient.Frame close = sloth.readUntilClose();
            assertEquals(1013, close.closeCode());
            assertEquals("slow consumer", close.closeReason());
            bob.expectNothingMore();
            assertEquals(1, figures().getInt("slowConsumerCloses"));
        } finally {
            reader.shutdownNow();
        }
    }
}
