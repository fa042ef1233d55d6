package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/** The token bucket at its defaults: 50 messages a second, bursts of 100. */
class FloodIT extends DeployedWarIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Test
    void everyOneOfThreeHundredInstantBroadcastsIsDeliveredOrAnswered429() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            long started = System.nanoTime();
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
                    ChatClient.assertOutcome(atAlice, 429, "Too many messages");
                    tooMany++;
                }
            }
            // The server took all 300 within this time, so its bucket (100, refilled at 50 a second) let
            // at most 100 + 50 a second of them pass: on a machine that sends them within a second, 150.
            double seconds = (System.nanoTime() - started) / 1e9;
            long passable = 100 + (long) Math.ceil(50 * seconds);
            assertTrue(delivered.size() >= 100, "the burst passes: " + delivered.size());
            assertTrue(delivered.size() <= passable, "beyond the burst, at most 50 a second pass: "
                    + delivered.size() + " passed and " + tooMany + " were refused in " + seconds + " s");
            for (int i = 1; i < delivered.size(); i++) {
                assertTrue(delivered.get(i) > delivered.get(i - 1), "in order, each once");
            }
            bob.expectNothingMore();
            expectNothingMoreAllowing429(alice);
        }
    }

    @Test
    void aSustainedFloodIsClosedWith1008AndTheOthersSeeItQuit() {
        try (ChatClient watcher = ChatClient.identified(lobby(), "watcher");
                ChatClient flooder = ChatClient.identified(lobby(), "flooder")) {
            watcher.next("join");
            // About 1,000 frames a second: 20 times the limit.
            assertEquals(new ChatClient.Close(1008, "flooding"),
                    flooder.broadcastUntilClosed("\"spam\"", 50, Duration.ofMillis(50)));
            JsonObject afterTheBroadcasts = watcher.nextSkipping("broadcast");
            assertEquals("quit", afterTheBroadcasts.getString("type"));
            assertEquals("flooder", afterTheBroadcasts.getString("who"));
            watcher.expectNothingMore();
        }
    }

    /** Asks for the list until the answer is the list itself, not a 429 for the asking. */
    private static void expectNothingMoreAllowing429(ChatClient client) {
        while (true) {
            client.requestList();
            JsonObject frame = client.next();
            if (frame.getString("type").equals("list")) {
                return;
            }
            ChatClient.assertOutcome(frame, 429);
        }
    }
}
