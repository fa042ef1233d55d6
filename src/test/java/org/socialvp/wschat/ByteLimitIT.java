package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/**
 * The byte rate limit, scaled down so that a test can reach it: 10,000 bytes a second in bursts
 * of 45,000 (four messages of 10,000 bytes and the commands around them, not five), messages of
 * up to 20,000 bytes, and the message count limit off so that only bytes count.
 */
class ByteLimitIT extends DeployedWarIT {

    /** About 10,000 bytes as a broadcast command. */
    private static final String TEN_KB = "\"" + "x".repeat(10_000 - 40) + "\"";

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of(
                "wschat.maxMessageBytes", "20000",
                "wschat.rateLimitBytesPerSecond", "10000",
                "wschat.rateLimitBytesBurst", "45000",
                "wschat.rateLimitPerSecond", "0"));
    }

    @Test
    void bytesBeyondTheBurstAreAnswered429AndDroppedAndTheConnectionStays() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            for (int i = 0; i < 5; i++) {
                alice.broadcast(TEN_KB);
            }
            alice.expectOutcome(429, "Too many bytes per second");
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
    void aSustainedByteFloodIsClosedWith1008AndTheOthersSeeItQuit() {
        try (ChatClient watcher = ChatClient.identified(lobby(), "watcher");
                ChatClient flooder = ChatClient.identified(lobby(), "flooder")) {
            watcher.next("join");
            // About 200,000 bytes a second: 20 times the limit, in few messages.
            assertEquals(new ChatClient.Close(1008, "flooding"),
                    flooder.broadcastUntilClosed(TEN_KB, 2, Duration.ofMillis(100)));
            JsonObject afterTheBroadcasts = watcher.nextSkipping("broadcast");
            assertEquals("quit", afterTheBroadcasts.getString("type"));
            assertEquals("flooder", afterTheBroadcasts.getString("who"));
            watcher.expectNothingMore();
        }
    }
}
