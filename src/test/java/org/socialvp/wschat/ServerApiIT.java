package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.socialvp.wschat.testing.ApiClient.expect;
import static org.socialvp.wschat.testing.ApiClient.expectError;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ApiClient;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.StatusPage;

/**
 * The server API (PROTOCOL.md §13) called with {@code java.net.http} while viewers are connected
 * over real sockets: 401 without the key or with another; every call's answer, as JSON, exactly;
 * what viewers receive from it ({@code "server":true}, which a viewer's own frames never carry);
 * compare-and-set by {@code If-Match} and its 412; the removed viewer's 1008 and the others'
 * {@code quit}; 404 for an unknown path, name or empty room, 405 with {@code Allow}, 413 past
 * {@code wschat.maxMessageBytes} (declared or chunked) and past the state's limit, 400 for a body
 * that is not the JSON the call takes. (The server without an API key is in {@link SwitchedOffIT}.)
 */
class ServerApiIT extends DeployedWarIT {

    static final String KEY = "the-site-backend's-api-key-0123456789";
    /** Small, so that a body past it is quick to send. */
    static final int MAX_MESSAGE_BYTES = 4096;

    private String party;
    private URI partyUri;
    private ApiClient api;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.apiKey", KEY,
                "wschat.maxMessageBytes", String.valueOf(MAX_MESSAGE_BYTES),
                "wschat.maxStateBytes", "1000"));
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = "api-" + test.getTestMethod().orElseThrow().getName().hashCode();
        partyUri = room(party);
        api = new ApiClient(base(), KEY);
    }

    private String rooms(String rest) {
        return "rooms/" + party + rest;
    }

    private static JsonObject json(String text) {
        return ChatClient.parse(text);
    }

    private static String identifyWithSession(String name) {
        return "{\"command\":\"identify\",\"name\":" + ChatClient.quote(name) + ",\"resume\":true}";
    }

    /**
     * A viewer that asked for a session and lost its connection, as {@code watcher} (the room's one
     * other viewer) saw it join; returns once the server has noticed (one connection left).
     */
    private ResumeIT.Resumable away(String name, ChatClient watcher) {
        ResumeIT.Resumable viewer = new ResumeIT.Resumable(partyUri, name);
        watcher.next("join");
        viewer.socket.reset();
        StatusPage.await(status(), figures -> figures.getInt("connections") == 1);
        return viewer;
    }

    // --- the key ---

    @Test
    void everyCallWithoutTheKeyOrWithAnotherIs401WithWwwAuthenticateAndDoesNothing() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            for (ApiClient refused : List.of(api.withKey(null), api.withKey("not-the-site-backend's-key"),
                    api.withKey(KEY + "x"), api.withKey(KEY.substring(1)), api.withKey(""))) {
                for (HttpResponse<String> response : List.of(
                        refused.get(rooms("")),
                        refused.post(rooms("/broadcast"), "{\"message\":\"hi\"}"),
                        refused.post(rooms("/message/alice"), "{\"message\":\"hi\"}"),
                        refused.put(rooms("/state/video"), "\"/media/film.webm\""),
                        refused.delete(rooms("/viewers/alice")),
                        refused.get("no/such/call"))) {
                    expectError(response, 401);
                    assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                            () -> "WWW-Authenticate: " + response.headers().map());
                }
            }
            HttpResponse<String> basic = api.withKey(null).send("GET", rooms(""), null,
                    Map.of("Authorization", "Basic " + Base64.getEncoder()
                            .encodeToString(("backend:" + KEY).getBytes(StandardCharsets.UTF_8))));
            expectError(basic, 401);
            HttpResponse<String> bare = api.withKey(null).send("GET", rooms(""), null,
                    Map.of("Authorization", KEY));
            expectError(bare, 401);
            alice.expectNothingMore(); // neither told anything nor removed
            assertEquals(List.of("alice"), alice.list());
        }
    }

    // --- GET rooms/{room} ---

    @Test
    void anEmptyRoomIsShownWithNoNamesAndNoState() {
        assertEquals(json("{\"room\":\"" + party + "\",\"names\":[],\"state\":{}}"), expect(api.get(rooms("")), 200));
        assertEquals(json("{\"room\":\"never-seen\",\"names\":[],\"state\":{}}"),
                expect(api.get("rooms/never-seen"), 200));
    }

    @Test
    void theRoomShowsItsNamesSortedAndItsStateAsLastWritten() {
        try (ChatClient carol = ChatClient.identified(partyUri, "carol");
                ChatClient alice = ChatClient.identified(partyUri, "alice");
                ChatClient bob = ChatClient.identified(partyUri, "bob");
                ChatClient stranger = ChatClient.connect(partyUri)) {
            alice.next("join");
            alice.send("{\"command\":\"state\",\"key\":\"playback\",\"value\":{\"playing\":true,\"position\":734.2}}");
            JsonObject playback = alice.next("state");
            alice.send("{\"command\":\"state\",\"key\":\"gone\",\"value\":1}");
            alice.next("state");
            alice.send("{\"command\":\"state\",\"key\":\"gone\",\"value\":null}");
            alice.next("state");
            assertEquals(json("{\"room\":\"" + party + "\",\"names\":[\"alice\",\"bob\",\"carol\"],"
                    + "\"state\":{\"playback\":{\"value\":{\"playing\":true,\"position\":734.2},\"version\":1,"
                    + "\"from\":\"alice\",\"time\":" + playback.getJsonNumber("time") + "}}}"),
                    expect(api.get(rooms("")), 200), "the unidentified stranger is no name, a deleted key no state");
        }
    }

    // --- POST rooms/{room}/broadcast ---

    @Test
    void aBroadcastReachesEveryIdentifiedViewerMarkedServerAndAnswersHowMany() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice");
                ChatClient bob = ChatClient.identified(partyUri, "bob");
                ChatClient stranger = ChatClient.connect(partyUri)) {
            alice.next("join");
            String message = "{\"text\":\"The film starts in 5 minutes\",\"n\":12345678901234567890123}";
            assertEquals(json("{\"recipients\":2}"),
                    expect(api.post(rooms("/broadcast"), "{\"message\":" + message + "}"), 200));
            JsonObject expected = json("{\"type\":\"broadcast\",\"from\":\"server\",\"message\":" + message
                    + ",\"server\":true}");
            assertEquals(expected, alice.next());
            assertEquals(expected, bob.next());

            assertEquals(json("{\"recipients\":2}"),
                    expect(api.post(rooms("/broadcast"), "{\"message\":[1,\"two\"],\"from\":\"box office\"}"), 200));
            expected = json("{\"type\":\"broadcast\",\"from\":\"box office\",\"message\":[1,\"two\"],\"server\":true}");
            assertEquals(expected, alice.next());
            assertEquals(expected, bob.next());

            stranger.send(ChatClient.LIST);
            stranger.expectOutcome(10); // the unidentified connection was sent nothing before this
        }
    }

    @Test
    void aBroadcastIsRelayedDigitForDigit() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            String message = "{\"n\":12345678901234567890123,\"pi\":3.14159265358979323846264338327950288}";
            expect(api.post(rooms("/broadcast"), "{\"message\":" + message + "}"), 200);
            String frame = alice.nextText();
            assertTrue(frame.contains(message), frame);
        }
    }

    @Test
    void aBroadcastToAnEmptyRoomAnswersNoRecipients() {
        assertEquals(json("{\"recipients\":0}"), expect(api.post(rooms("/broadcast"), "{\"message\":\"anyone?\"}"), 200));
    }

    @Test
    void aSuspendedSessionCountsAsARecipientAndGetsTheBroadcastWhenItResumes() {
        try (ChatClient bob = ChatClient.identified(partyUri, "bob")) {
            ResumeIT.Resumable alice = away("alice", bob);
            assertEquals(json("{\"recipients\":2}"), expect(api.post(rooms("/broadcast"), "{\"message\":\"hi\"}"), 200));
            bob.next("broadcast");
            try (ChatClient back = ChatClient.connect(partyUri)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.token + "\",\"last\":0}");
                assertEquals(301, back.next("outcome").getInt("code"));
                assertEquals(json("{\"type\":\"broadcast\",\"from\":\"server\",\"message\":\"hi\",\"server\":true,\"seq\":1}"),
                        back.next());
            }
        }
    }

    @Test
    void aViewerCalledServerCannotPassForTheBackend() {
        try (ChatClient impostor = ChatClient.identified(partyUri, "server");
                ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            impostor.next("join");
            impostor.broadcast("\"I am the server\"");
            assertEquals(json("{\"type\":\"broadcast\",\"from\":\"server\",\"message\":\"I am the server\"}"), alice.next());
            impostor.message("alice", "\"me too\"");
            assertEquals(json("{\"type\":\"message\",\"from\":\"server\",\"message\":\"me too\"}"), alice.next());
            impostor.send("{\"command\":\"state\",\"key\":\"video\",\"value\":\"fake\"}");
            JsonObject state = alice.next("state");
            assertEquals(false, state.containsKey("server"), state::toString);
        }
    }

    // --- POST rooms/{room}/message/{name} ---

    @Test
    void aMessageReachesThatViewerOnlyMarkedServer() {
        try (ChatClient zoe = ChatClient.identified(partyUri, "Zoë Ü");
                ChatClient bob = ChatClient.identified(partyUri, "bob")) {
            zoe.next("join");
            assertEquals(json("{}"), expect(api.post(rooms("/message/" + ApiClient.segment("Zoë Ü")),
                    "{\"message\":{\"text\":\"Your ticket is ready\"},\"from\":\"box office\"}"), 200));
            assertEquals(json("{\"type\":\"message\",\"from\":\"box office\",\"message\":{\"text\":\"Your ticket is ready\"},"
                    + "\"server\":true}"), zoe.next());
            assertEquals(json("{}"), expect(api.post(rooms("/message/bob"), "{\"message\":null}"), 200));
            assertEquals(json("{\"type\":\"message\",\"from\":\"server\",\"message\":null,\"server\":true}"), bob.next());
            zoe.expectNothingMore();
        }
    }

    @Test
    void aMessageToNobodyOfThatNameIs404() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice");
                ChatClient unnamed = ChatClient.connect(partyUri)) {
            expectError(api.post(rooms("/message/bob"), "{\"message\":\"hi\"}"), 404);
            expectError(api.post("rooms/elsewhere/message/alice", "{\"message\":\"hi\"}"), 404);
            alice.expectNothingMore();
        }
    }

    // --- PUT rooms/{room}/state/{key} ---

    @Test
    void aStateWriteReachesEveryViewerFromServerAndAnswersItsVersion() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice");
                ChatClient bob = ChatClient.identified(partyUri, "bob")) {
            alice.next("join");
            assertEquals(json("{\"version\":1}"), expect(api.put(rooms("/state/video"), "\"/media/film.webm\""), 200));
            JsonObject atAlice = alice.next("state");
            assertEquals(json("{\"type\":\"state\",\"key\":\"video\",\"value\":\"/media/film.webm\",\"version\":1,"
                    + "\"from\":\"server\",\"time\":" + atAlice.getJsonNumber("time") + ",\"server\":true}"), atAlice);
            assertEquals(atAlice, bob.next());

            try (ChatClient carol = ChatClient.identified(partyUri, "carol")) {
                assertEquals(atAlice, carol.next(), "a newcomer gets the backend's write as written, server:true too");
            }
            assertEquals("carol", alice.next("join").getString("who"));
            assertEquals("carol", alice.next("quit").getString("who"));
            JsonObject shown = expect(api.get(rooms("")), 200).getJsonObject("state").getJsonObject("video");
            assertEquals("server", shown.getString("from"));
            assertEquals(1, shown.getInt("version"));

            assertEquals(json("{\"version\":2}"), expect(api.put(rooms("/state/video"), "null"), 200));
            assertEquals(JsonValue.NULL, alice.next("state").get("value"), "null deletes the key");
            assertEquals(json("{}"), expect(api.get(rooms("")), 200).getJsonObject("state"));
        }
    }

    @Test
    void ifMatchMakesAStateWriteACompareAndSetAndAnotherVersionIs412WithTheCurrentOne() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            assertEquals(json("{\"version\":1}"), expect(api.send("PUT", rooms("/state/playback"), "{\"at\":0}",
                    Map.of("If-Match", "0")), 200));
            assertEquals(1, alice.next("state").getInt("version"));
            assertEquals(json("{\"version\":2}"), expect(api.send("PUT", rooms("/state/playback"), "{\"at\":1}",
                    Map.of("If-Match", "1")), 200));
            assertEquals(2, alice.next("state").getInt("version"));
            assertEquals(json("{\"version\":3}"), expect(api.send("PUT", rooms("/state/playback"), "{\"at\":2}",
                    Map.of("If-Match", "\"2\"")), 200), "quoted as an entity tag");
            assertEquals(3, alice.next("state").getInt("version"));

            assertEquals(json("{\"error\":\"State changed\",\"version\":3}"), expect(api.send("PUT",
                    rooms("/state/playback"), "{\"at\":99}", Map.of("If-Match", "2")), 412));
            assertEquals(json("{\"error\":\"State changed\",\"version\":0}"), expect(api.send("PUT",
                    rooms("/state/never-set"), "1", Map.of("If-Match", "5")), 412));
            for (String bad : List.of("abc", "-1", "\"\"", "W/\"3\"", "3.0")) {
                expectError(api.send("PUT", rooms("/state/playback"), "{\"at\":99}", Map.of("If-Match", bad)), 400);
            }
            alice.expectNothingMore(); // none of the refused writes was applied
            assertEquals(json("{\"at\":2}"),
                    expect(api.get(rooms("")), 200).getJsonObject("state").getJsonObject("playback").get("value"));
        }
    }

    @Test
    void aStateWriteToAnEmptyRoomIs404AndOverTheStateLimitIs413() {
        expectError(api.put(rooms("/state/video"), "\"x\""), 404);
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            expectError(api.put(rooms("/state/video"), "\"" + "x".repeat(2000) + "\""), 413);
            expectError(api.put(rooms("/state/" + "k".repeat(65)), "1"), 400);
            alice.expectNothingMore();
        }
    }

    // --- DELETE rooms/{room}/viewers/{name} ---

    @Test
    void aRemovedViewerIsClosed1008RemovedItsSessionEndsAndTheOthersSeeItQuit() {
        try (ChatClient bob = ChatClient.identified(partyUri, "bob");
                ChatClient mallory = ChatClient.connect(partyUri)) {
            mallory.send(identifyWithSession("mallory"));
            String session = mallory.next("outcome").getString("session");
            bob.next("join");
            assertEquals(json("{}"), expect(api.delete(rooms("/viewers/mallory")), 200));
            assertEquals(new ChatClient.Close(1008, "removed"), mallory.awaitClose());
            assertEquals(json("{\"type\":\"quit\",\"who\":\"mallory\"}"), bob.next());
            assertEquals(List.of("bob"), bob.list());
            try (ChatClient back = ChatClient.connect(partyUri)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + session + "\",\"last\":0}");
                back.expectOutcome(410, "Session cannot be resumed");
            }
            expectError(api.delete(rooms("/viewers/mallory")), 404);
        }
    }

    @Test
    void aSuspendedViewerCanBeRemovedToo() {
        try (ChatClient bob = ChatClient.identified(partyUri, "bob")) {
            ResumeIT.Resumable mallory = away("mallory", bob);
            assertEquals(List.of("bob", "mallory"), bob.list(), "held for a resume");
            assertEquals(json("{}"), expect(api.delete(rooms("/viewers/mallory")), 200));
            assertEquals("mallory", bob.next("quit").getString("who"));
            try (ChatClient newcomer = ChatClient.identified(partyUri, "mallory")) {
                assertEquals("mallory", bob.next("join").getString("who"));
            }
        }
    }

    @Test
    void removingNobodyOfThatNameIs404() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice");
                ChatClient unnamed = ChatClient.connect(partyUri)) {
            expectError(api.delete(rooms("/viewers/bob")), 404);
            expectError(api.delete("rooms/elsewhere/viewers/alice"), 404);
            alice.expectNothingMore();
        }
    }

    // --- what is not a call ---

    @Test
    void anUnknownPathIs404AndABadRoomNameIs400() {
        for (String path : List.of("", "rooms", "users/alice", "rooms/" + party + "/dance",
                "rooms/" + party + "/message", "rooms/" + party + "/broadcast/extra", "rooms/" + party + "/viewers",
                "rooms/" + party + "/state/a/b")) {
            expectError(api.get(path), 404);
        }
        for (String room : List.of("", "bad%20room", "r%C3%B6om", "x".repeat(65))) {
            expectError(api.get("rooms/" + room), 400);
        }
    }

    @Test
    void anotherMethodIs405WithAllow() {
        Map<String, List<String>> refused = Map.of(
                rooms(""), List.of("POST", "PUT", "DELETE", "PATCH"),
                rooms("/broadcast"), List.of("GET", "PUT", "DELETE"),
                rooms("/message/alice"), List.of("GET", "PUT", "DELETE"),
                rooms("/state/video"), List.of("GET", "POST", "DELETE"),
                rooms("/viewers/alice"), List.of("GET", "POST", "PUT"));
        Map<String, String> allowed = Map.of(rooms(""), "GET", rooms("/broadcast"), "POST",
                rooms("/message/alice"), "POST", rooms("/state/video"), "PUT", rooms("/viewers/alice"), "DELETE");
        refused.forEach((path, methods) -> {
            for (String method : methods) {
                HttpResponse<String> response = api.send(method, path, method.equals("GET") || method.equals("DELETE")
                        ? null : "{\"message\":1}", Map.of());
                expectError(response, 405);
                assertEquals(allowed.get(path), response.headers().firstValue("Allow").orElse(null),
                        () -> method + " " + path + ": " + response.headers().map());
            }
        });
    }

    @Test
    void aBodyOverMaxMessageBytesIs413DeclaredOrChunked() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            String big = "{\"message\":\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\"}";
            expectError(api.post(rooms("/broadcast"), big), 413);
            byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
            expectError(api.sendBody("POST", rooms("/broadcast"),
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)), Map.of()), 413);
            expectError(api.put(rooms("/state/video"), "\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\""), 413);
            String justFits = "{\"message\":\"" + "x".repeat(MAX_MESSAGE_BYTES - 14) + "\"}";
            assertEquals(MAX_MESSAGE_BYTES, justFits.length());
            assertEquals(json("{\"recipients\":1}"), expect(api.post(rooms("/broadcast"), justFits), 200));
            assertEquals(MAX_MESSAGE_BYTES - 14, alice.next("broadcast").getString("message").length());
            alice.expectNothingMore();
        }
    }

    @Test
    void aBodyThatIsNotTheJsonTheCallTakesIs400() {
        try (ChatClient alice = ChatClient.identified(partyUri, "alice")) {
            for (String body : List.of("", "{\"message\":", "not json", "[1,2]", "\"text\"", "42", "null", "{}",
                    "{\"text\":\"no message field\"}", "{\"message\":1,\"from\":7}", "{\"message\":1,\"from\":\"\"}",
                    "{\"message\":1,\"from\":\"a\\nb\"}", "{\"message\":" + "[".repeat(100) + "]".repeat(100) + "}")) {
                expectError(api.post(rooms("/broadcast"), body), 400);
                expectError(api.post(rooms("/message/alice"), body), 400);
            }
            for (String value : List.of("", "{\"a\":", "not json", "[".repeat(100) + "]".repeat(100))) {
                expectError(api.put(rooms("/state/video"), value), 400);
            }
            expectError(api.sendBody("POST", rooms("/broadcast"), HttpRequest.BodyPublishers.ofByteArray(
                    new byte[] {'{', '"', 'm', 'e', 's', 's', 'a', 'g', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'}),
                    Map.of()), 400);
            alice.expectNothingMore(); // none reached the room
        }
    }
}
