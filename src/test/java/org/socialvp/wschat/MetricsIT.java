package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ApiClient;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Eventually;
import org.socialvp.wschat.testing.Exposition;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Tokens;

/**
 * {@code GET /wschat/metrics} (PROTOCOL.md §13), parsed back line by line against the Prometheus
 * text format ({@link Exposition}): every metric the protocol names, with its type and help, and
 * the figures moving as the server works — connections, names and rooms as viewers come and go
 * (and as {@code /status} says), messages in and out frame for frame, closes by code, token
 * refusals, resumes by result, state writes, API requests by status. The deployment has private
 * rooms and the API on, so that every counter can be made to count. (Metrics switched off with
 * {@code wschat.statusEnabled} are in {@link SwitchedOffIT}.)
 */
class MetricsIT extends DeployedWarIT {

    private static final String KEY = "the-metrics-test's-api-key-0123456789";

    private String party;
    private URI partyUri;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.tokenSecret", Tokens.SECRET_SETTING, "wschat.apiKey", KEY));
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = "metrics-" + test.getTestMethod().orElseThrow().getName().hashCode();
        partyUri = room(party);
    }

    private URI metrics() {
        return base().resolve("metrics");
    }

    private Exposition scrape() {
        return Exposition.scrape(metrics());
    }

    /** Scrapes until {@code expected} holds, or fails. */
    private Exposition awaitScrape(Predicate<Exposition> expected, String what) {
        return Eventually.await(this::scrape, expected, what);
    }

    private ChatClient admitted(String name) {
        return Tokens.admitted(partyUri, party, name);
    }

    private static double closes(Exposition scrape, int code) {
        return scrape.valueOrZero("wschat_closes_total", Map.of("code", String.valueOf(code)));
    }

    private static double apiRequests(Exposition scrape, int status) {
        return scrape.valueOrZero("wschat_api_requests_total", Map.of("status", String.valueOf(status)));
    }

    @Test
    void theScrapeIsTheTextFormatWithEveryMetricTheProtocolNamesTypedAndHelped() {
        new ApiClient(base(), KEY).get("rooms/" + party); // so that the labelled counters have something to show
        admitted("alice").close();
        Exposition scrape = awaitScrape(counted -> closes(counted, 1000) > 0, "the close counted");
        for (String gauge : List.of("wschat_connections", "wschat_identified", "wschat_rooms",
                "wschat_outbox_queued_bytes", "wschat_uptime_seconds", "wschat_cluster")) {
            assertEquals("gauge", scrape.familyOf(gauge).type(), gauge);
        }
        for (String counter : List.of("wschat_messages_in_total", "wschat_messages_out_total", "wschat_closes_total",
                "wschat_resumes_total", "wschat_state_writes_total", "wschat_api_requests_total",
                "wschat_tokens_refused_total", "wschat_rate_limited_total", "wschat_slow_consumer_closes_total",
                "wschat_rejected_origins_total", "wschat_rejected_hosts_total")) {
            assertEquals("counter", scrape.familyOf(counter).type(), counter);
        }
        scrape.families().values().forEach(family -> {
            assertTrue(family.name().startsWith("wschat_"), () -> "the deployment's own registry only: " + family);
            assertTrue(family.help() != null && !family.help().isBlank(), () -> "HELP for " + family);
        });
        assertEquals(1.0, scrape.value("wschat_cluster", Map.of("state", "single")));
        scrape.value("wschat_resumes_total", Map.of("result", "resumed"));
        scrape.value("wschat_resumes_total", Map.of("result", "refused"));
        assertTrue(scrape.value("wschat_api_requests_total", Map.of("status", "200")) >= 1);
        assertTrue(scrape.value("wschat_uptime_seconds") >= 0);
    }

    @Test
    void connectionsNamesAndRoomsFollowTheViewersAsStatusDoes() {
        awaitScrape(quiet -> quiet.value("wschat_connections") == 0 && quiet.value("wschat_identified") == 0
                && quiet.value("wschat_rooms") == 0, "a quiet server");
        try (ChatClient stranger = ChatClient.connect(room(party + "-other"));
                ChatClient alice = admitted("alice");
                ChatClient bob = admitted("bob")) {
            alice.next("join");
            Exposition scrape = scrape();
            assertEquals(3.0, scrape.value("wschat_connections"));
            assertEquals(2.0, scrape.value("wschat_identified"));
            assertEquals(2.0, scrape.value("wschat_rooms"));
            JsonObject status = figures();
            assertEquals(status.getInt("connections"), (int) scrape.value("wschat_connections"));
            assertEquals(status.getInt("identified"), (int) scrape.value("wschat_identified"));
            assertEquals(status.getInt("rooms"), (int) scrape.value("wschat_rooms"));
        }
        awaitScrape(quiet -> quiet.value("wschat_connections") == 0 && quiet.value("wschat_identified") == 0
                && quiet.value("wschat_rooms") == 0 && quiet.value("wschat_outbox_queued_bytes") == 0,
                "everyone gone, nothing left queued");
    }

    @Test
    void messagesInAndOutCountEveryFrameReceivedAndQueued() {
        try (ChatClient alice = admitted("alice");
                ChatClient bob = admitted("bob")) {
            alice.next("join");
            Exposition before = scrape();
            for (int i = 0; i < 5; i++) {
                alice.broadcast("{\"n\":" + i + "}");
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(i, bob.next("broadcast").getJsonObject("message").getInt("n"));
            }
            alice.list();
            Exposition after = scrape();
            assertEquals(6.0, after.value("wschat_messages_in_total") - before.value("wschat_messages_in_total"),
                    "five broadcasts and a list received");
            assertEquals(6.0, after.value("wschat_messages_out_total") - before.value("wschat_messages_out_total"),
                    "five copies for bob and the list for alice queued");
        }
    }

    @Test
    void closesAreCountedByTheirCode() {
        // the earlier tests' clients close without waiting for the server: every one of those
        // closes counted (nothing open any more) before the count starts
        Exposition before = awaitScrape(quiet -> quiet.value("wschat_connections") == 0, "a quiet server");
        admitted("alice").close();
        RawClient lost = RawClient.connect(partyUri);
        lost.readText(); // init
        // an answer first: Payara's Tyrus can lose the end of a connection that ends while the
        // upgrade is still being set up (see DeadPeerIT); this test counts the close, not that
        lost.sendText(ChatClient.LIST);
        lost.readText();
        lost.reset();
        try (RawClient mallory = RawClient.connect(partyUri)) {
            mallory.readText(); // init
            for (int i = 0; i < 3; i++) {
                mallory.sendText(ChatClient.identifyCommand("mallory"));
                ChatClient.assertOutcome(ChatClient.parse(mallory.readText()), 401, "Token missing");
            }
            mallory.expectClose(1008, "unauthorized");
        }
        awaitScrape(after -> closes(after, 1000) - closes(before, 1000) == 1
                && closes(after, 1006) - closes(before, 1006) == 1
                && closes(after, 1008) - closes(before, 1008) == 1, "one close each of 1000, 1006 and 1008");
    }

    @Test
    void tokenRefusalsAreCounted() {
        Exposition before = scrape();
        try (ChatClient alice = ChatClient.connect(partyUri)) {
            alice.send(ChatClient.identifyCommand("alice"));
            alice.expectOutcome(401, "Token missing");
            alice.send(Tokens.identify("alice", Tokens.forViewer(party, "bob")));
            alice.expectOutcome(401, "Token not for this name");
            alice.send(Tokens.identify("alice", Tokens.forViewer(party, "alice")));
            alice.expectOutcome(300);
        }
        assertEquals(2.0, scrape().value("wschat_tokens_refused_total") - before.value("wschat_tokens_refused_total"));
    }

    @Test
    void resumesAreCountedByResult() {
        Exposition before = scrape();
        try (ChatClient bob = admitted("bob")) {
            PrivateRoomsIT.WithSession alice = PrivateRoomsIT.WithSession.admitted(partyUri, party, "alice");
            bob.next("join");
            alice.socket().reset();
            try (ChatClient back = ChatClient.connect(partyUri);
                    ChatClient stranger = ChatClient.connect(partyUri)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.session() + "\",\"last\":0}");
                assertEquals(301, back.next("outcome").getInt("code"));
                stranger.send("{\"command\":\"resume\",\"session\":\"no-such-session\",\"last\":0}");
                stranger.expectOutcome(410);
            }
        }
        Exposition after = scrape();
        Map<String, String> resumed = Map.of("result", "resumed");
        Map<String, String> refused = Map.of("result", "refused");
        assertEquals(1.0, after.value("wschat_resumes_total", resumed) - before.value("wschat_resumes_total", resumed));
        assertEquals(1.0, after.value("wschat_resumes_total", refused) - before.value("wschat_resumes_total", refused));
    }

    @Test
    void stateWritesAreCountedTheViewersAndTheApisButNotTheRefusedOnes() {
        ApiClient api = new ApiClient(base(), KEY);
        try (ChatClient alice = admitted("alice")) {
            Exposition before = scrape();
            alice.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":1}");
            alice.next("state");
            alice.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":2,\"ifVersion\":0}");
            alice.expectOutcome(409);
            ApiClient.expect(api.put("rooms/" + party + "/state/video", "\"/media/film.webm\""), 200);
            alice.next("state");
            ApiClient.expect(api.send("PUT", "rooms/" + party + "/state/video", "\"other\"", Map.of("If-Match", "7")), 412);
            assertEquals(2.0, scrape().value("wschat_state_writes_total") - before.value("wschat_state_writes_total"));
        }
    }

    @Test
    void apiRequestsAreCountedByStatus() {
        ApiClient api = new ApiClient(base(), KEY);
        Exposition before = scrape();
        ApiClient.expect(api.get("rooms/" + party), 200);
        ApiClient.expect(api.get("rooms/" + party), 200);
        ApiClient.expect(api.withKey(null).get("rooms/" + party), 401);
        ApiClient.expect(api.get("no/such/call"), 404);
        ApiClient.expect(api.delete("rooms/" + party), 405);
        ApiClient.expect(api.post("rooms/" + party + "/broadcast", "{not json"), 400);
        Exposition after = scrape();
        for (Map.Entry<Integer, Double> counted : Map.of(200, 2.0, 401, 1.0, 404, 1.0, 405, 1.0, 400, 1.0).entrySet()) {
            assertEquals(counted.getValue(), apiRequests(after, counted.getKey()) - apiRequests(before, counted.getKey()),
                    "requests answered " + counted.getKey());
        }
    }
}
