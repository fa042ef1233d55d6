package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Exposition;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Server;
import org.socialvp.wschat.testing.StatusPage;
import org.socialvp.wschat.testing.VanishingPeers;

/** {@code GET /wschat/status} follows real traffic exactly. */
class OperationsIT extends DeployedWarIT {

    private static final List<String> FIGURES = List.of("connections", "identified", "rooms", "messagesIn",
            "messagesOut", "slowConsumerCloses", "rateLimited", "rejectedOrigins", "uptimeSeconds");

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @Test
    void theStatusIsJsonWithEveryFigureAndNoNames() {
        HttpResponse<String> response = StatusPage.get(status());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject figures = ChatClient.parse(response.body());
        for (String figure : FIGURES) {
            assertTrue(figures.containsKey(figure), "missing " + figure + " in " + figures);
        }
        try (ChatClient secretive = ChatClient.identified(room("hidden"), "secret-agent")) {
            String body = StatusPage.get(status()).body();
            assertFalse(body.contains("secret-agent"), body);
        }
    }

    @Test
    void theFiguresFollowConnectsMessagesAndClosesExactly() {
        JsonObject before = figures();
        URI roomA = room("status-a");
        URI roomB = room("status-b");
        ChatClient a1 = ChatClient.identified(roomA, "a1");
        ChatClient a2 = ChatClient.identified(roomA, "a2");
        ChatClient a3 = ChatClient.identified(roomA, "a3");
        ChatClient b1 = ChatClient.identified(roomB, "b1");
        ChatClient b2 = ChatClient.identified(roomB, "b2");
        a1.broadcast("\"hello room a\"");
        a2.next("join");
        a2.next("broadcast");
        a3.next("broadcast");

        // In: 5 identifies + 1 broadcast. Out: 5 inits + 5 outcomes + 4 joins (a1←a2, a1←a3, a2←a3, b1←b2) + 2 broadcasts.
        JsonObject during = figures();
        assertEquals(delta(before, "connections", 5), during.getInt("connections"));
        assertEquals(delta(before, "identified", 5), during.getInt("identified"));
        assertEquals(delta(before, "rooms", 2), during.getInt("rooms"));
        assertEquals(delta(before, "messagesIn", 6), during.getInt("messagesIn"));
        assertEquals(delta(before, "messagesOut", 16), during.getInt("messagesOut"));
        assertEquals(5, during.getJsonObject("largestRooms").getInt("status-a") + during.getJsonObject("largestRooms").getInt("status-b"));

        // 4 quits: a2 and a3 hear a1 leave, a3 hears a2, b2 hears b1. Each departure is seen
        // before the next client leaves, so no quit is addressed to a client already on its way out.
        a1.close();
        a2.next("quit");
        a3.next("quit");
        a2.close();
        a3.next("quit");
        a3.close();
        b1.close();
        b2.next("quit");
        b2.close();
        JsonObject after = StatusPage.await(status(), figures -> figures.getInt("connections") == before.getInt("connections"));
        assertEquals(before.getInt("identified"), after.getInt("identified"));
        assertEquals(before.getInt("rooms"), after.getInt("rooms"));
        assertEquals(delta(before, "messagesIn", 6), after.getInt("messagesIn"));
        assertEquals(delta(before, "messagesOut", 20), after.getInt("messagesOut"));
        assertFalse(after.getJsonObject("largestRooms").containsKey("status-a"));
    }

    /**
     * Peers that vanish the moment the upgrade is answered — a reset or a plain close, before or
     * while the init frame is written — are released at once, not only by the ping 25 s later:
     * otherwise they would hold places under {@code wschat.maxConnections}. (Once a failed init
     * write closed the session before the endpoint knew its client, and the close was lost.)
     */
    @Test
    void connectionsThatVanishRightAfterTheHandshakeAreReleasedAtOnce() {
        Server.assumeTomcat("Payara's Tyrus can lose the end of a connection that ends while the upgrade"
                + " is being set up; there the ping releases it (DeadPeerIT)");
        VanishingPeers.connectAndVanish(lobby(), 300);
        awaitNoConnections();
    }

    @Test
    void refusedOriginsAndRateLimitedFramesAreCounted() {
        JsonObject before = figures();
        assertEquals(403, RawClient.handshakeStatus(lobby(), Map.of("Origin", "https://evil.example")));
        try (ChatClient chatty = ChatClient.identified(room("chatty"), "chatty")) {
            for (int i = 0; i < 150; i++) {
                chatty.requestList();
            }
            int refused = 0;
            for (int i = 0; i < 150; i++) {
                JsonObject answer = chatty.next();
                if (!answer.getString("type").equals("list")) {
                    ChatClient.assertOutcome(answer, 429, "Too many messages");
                    refused++;
                }
            }
            assertTrue(refused > 0);
            JsonObject after = figures();
            assertEquals(delta(before, "rejectedOrigins", 1), after.getInt("rejectedOrigins"));
            assertEquals(delta(before, "rateLimited", refused), after.getInt("rateLimited"));
        }
    }

    /**
     * A dashboard or an alert built on {@code /metrics} finds every series PROTOCOL.md §13 lists,
     * each label of the counters by label included, before anything has happened — here with the
     * server API off, so that no API request is ever answered.
     */
    @Test
    void theMetricsNameEverySeriesOfTheProtocolBeforeItsFirstEvent() {
        Exposition scrape = Exposition.scrape(base().resolve("metrics"));
        for (String gauge : List.of("wschat_connections", "wschat_identified", "wschat_rooms", "wschat_outbox_queued_bytes")) {
            scrape.value(gauge);
        }
        for (String counter : List.of("wschat_messages_in_total", "wschat_messages_out_total", "wschat_state_writes_total")) {
            scrape.value(counter);
        }
        for (int code : List.of(1000, 1001, 1003, 1006, 1008, 1009, 1011, 1013)) {
            scrape.value("wschat_closes_total", Map.of("code", String.valueOf(code)));
        }
        for (String result : List.of("resumed", "refused")) {
            scrape.value("wschat_resumes_total", Map.of("result", result));
        }
        for (int status : List.of(200, 400, 401, 404, 412, 413)) {
            scrape.value("wschat_api_requests_total", Map.of("status", String.valueOf(status)));
        }
        assertEquals(0.0, scrape.value("wschat_api_requests_total", Map.of("status", "412")), "the API is off here");
        assertEquals(0.0, scrape.value("wschat_closes_total", Map.of("code", "1011")), "no internal error, ever");
    }

    private static int delta(JsonObject before, String figure, int change) {
        return before.getInt(figure) + change;
    }
}
