package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/**
 * A long watch party's chat history, sent the way 2013 SVP pages send it (all of it, in one
 * message), goes through with the default settings.
 */
class LargeMessagesIT extends DeployedWarIT {

    private static final int MEBIBYTE = 1024 * 1024;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Test
    void aOneMebibyteHistoryReachesTheNewcomerInOneDirectMessage() {
        String history = chatHistory(MEBIBYTE);
        try (ChatClient host = ChatClient.identified(lobby(), "host");
                ChatClient newcomer = ChatClient.identified(lobby(), "newcomer")) {
            host.next("join");
            host.message("newcomer", history);
            assertEquals(history, newcomer.next("message").getJsonObject("message").toString());
            newcomer.message("host", "\"thanks\"");
            assertEquals("thanks", host.next("message").getString("message"));
            host.expectNothingMore();
            newcomer.expectNothingMore();
        }
    }

    @Test
    void aOneMebibyteBroadcastReachesFiftyViewersAndClosesNobody() {
        String history = chatHistory(MEBIBYTE);
        long slowBefore = figures().getJsonNumber("slowConsumerCloses").longValue();
        List<ChatClient> viewers = new ArrayList<>();
        try (ChatClient host = ChatClient.identified(lobby(), "host")) {
            for (int i = 0; i < 50; i++) {
                viewers.add(ChatClient.identified(lobby(), "viewer" + i));
            }
            host.broadcast(history);
            for (ChatClient viewer : viewers) {
                assertEquals(history, viewer.nextSkipping("join").getJsonObject("message").toString());
                assertFalse(viewer.isClosed());
            }
            for (ChatClient viewer : viewers) {
                viewer.expectNothingMore();
            }
            assertEquals(slowBefore, figures().getJsonNumber("slowConsumerCloses").longValue(),
                    "nobody was closed as a slow consumer");
        } finally {
            viewers.forEach(ChatClient::close);
        }
    }

    /** A 2013 page's {@code info} message: the party's chat so far, at least {@code bytes} long. */
    static String chatHistory(int bytes) {
        StringBuilder chats = new StringBuilder("{\"type\":\"info\",\"url\":\"media/film.webm\",\"paused\":false,"
                + "\"mypos\":4321,\"chats\":[");
        for (int n = 0; chats.length() < bytes; n++) {
            if (n > 0) {
                chats.append(',');
            }
            chats.append("{\"from\":\"viewer").append(n % 7).append("\",\"message\":\"chat line ").append(n)
                    .append(": that scene was great, wasn't it? ünïcödé ✓\",\"time\":").append(1700000000 + n).append('}');
        }
        String text = chats.append("]}").toString();
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length >= bytes);
        return text;
    }
}
