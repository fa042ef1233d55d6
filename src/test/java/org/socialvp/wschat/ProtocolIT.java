package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;

/** Every rule of PROTOCOL.md §1–4, against the WAR deployed in a real Tomcat, over real sockets. */
class ProtocolIT extends DeployedWarIT {

    private static final String NOT_IDENTIFIED = "Please identify yourself!";
    private static final String NO_SUCH_CLIENT = "No client with that name is currently connected!";

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    // §1 Connecting and identifying

    @Test
    void theInitFrameComesFirst() {
        try (ChatClient client = ChatClient.connect(lobby())) {
            JsonObject init = client.init();
            assertEquals("init", init.getString("type"));
            assertFalse(init.getString("message").isBlank());
        }
    }

    @Test
    void identifyingWithAFreeNameSucceeds() {
        try (ChatClient client = ChatClient.connect(lobby())) {
            ChatClient.assertOutcome(client.identify("alice"), 300, "Identified successfully!");
        }
    }

    @Test
    void aNameHeldByAnotherConnectionIsRefusedWith305() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient impostor = ChatClient.connect(lobby())) {
            ChatClient.assertOutcome(impostor.identify("alice"), 305, "Client with that name already exists!");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"command\":\"broadcast\",\"message\":\"hi\"}",
        "{\"command\":\"message\",\"to\":\"alice\",\"message\":\"hi\"}",
        ChatClient.LIST})
    void everyCommandBeforeIdentifyIsAnsweredWith10AndDeliversNothing(String command) {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient stranger = ChatClient.connect(lobby())) {
            stranger.send(command);
            stranger.expectOutcome(10, NOT_IDENTIFIED);
            alice.expectNothingMore();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "7|Field 'name' must be a string",
        "{}|Field 'name' must be a string",
        "null|Field 'name' must be a string",
        "\"\"|Name must be 1 to 64 characters long",
        "\"   \"|Name must not be blank",
        "\"a\\nb\"|Name must not contain control characters",
        "\"a\\u0000b\"|Name must not contain control characters",
        "\"\\ud800\"|Name must be valid Unicode text: it contains a lone surrogate",
        "\"\\u00a0\\u2007\"|Name must not be blank",
        "\"\\u202f\\u3000\"|Name must not be blank",
        "\"\\u200b\\ufeff\"|Name must not be blank",
        "\"\\u3164\"|Name must not be blank",
        "\"ali\\u200bce\"|Name must not contain invisible characters (U+200B)",
        "\"ali\\u202ece\"|Name must not contain bidirectional controls (U+202E)",
        "\"\\u2067bob\"|Name must not contain bidirectional controls (U+2067)",
    })
    void invalidNamesAreRefusedWith400SayingWhy(String nameJson, String reason) {
        try (ChatClient client = ChatClient.connect(lobby())) {
            client.send("{\"command\":\"identify\",\"name\":" + nameJson + "}");
            client.expectOutcome(400, reason);
            assertEquals(300, client.identify("valid").getInt("code"), "the connection still works");
        }
    }

    @Test
    void namesThatDifferOnlyInNormalizationAreTheSameName() {
        try (ChatClient composed = ChatClient.identified(lobby(), "Ren\u00e9");
                ChatClient decomposed = ChatClient.connect(lobby())) {
            assertEquals(305, decomposed.identify("Rene\u0301").getInt("code"));
            assertEquals(300, decomposed.identify("rene").getInt("code"));
            assertEquals("rene", composed.next("join").getString("who"));
            decomposed.message("Rene\u0301", "\"found you\"");
            assertEquals("found you", composed.next("message").getString("message"));
        }
    }

    @Test
    void aNameOfMoreThanSixtyFourCharactersIsRefused() {
        try (ChatClient client = ChatClient.connect(lobby())) {
            assertEquals(400, client.identify("x".repeat(65)).getInt("code"));
            assertEquals(300, client.identify("x".repeat(64)).getInt("code"));
        }
    }

    @Test
    void renamingReleasesTheOldNameAtOnceAndTellsTheOthers() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            assertEquals(300, alice.identify("alicia").getInt("code"));
            assertEquals("alice", bob.next("quit").getString("who"));
            assertEquals("alicia", bob.next("join").getString("who"));
            try (ChatClient newcomer = ChatClient.identified(lobby(), "alice")) {
                bob.next("join");
                assertEquals("alice", alice.next("join").getString("who"));
                bob.message("alicia", "\"to the renamed\"");
                assertEquals("bob", alice.next("message").getString("from"));
            }
        }
    }

    @Test
    void renamingToATakenNameKeepsTheOldOne() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            assertEquals(305, alice.identify("bob").getInt("code"));
            bob.message("alice", "1");
            assertEquals("bob", alice.next("message").getString("from"));
            bob.expectNothingMore();
        }
    }

    @Test
    void identifyingAgainWithOnesOwnNameSucceedsQuietly() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            assertEquals(300, alice.identify("alice").getInt("code"));
            bob.expectNothingMore();
        }
    }

    // §2 Sending

    @Test
    void aBroadcastReachesEveryOtherIdentifiedClientButNotTheSender() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob");
                ChatClient carol = ChatClient.identified(lobby(), "carol");
                ChatClient stranger = ChatClient.connect(lobby())) {
            alice.next("join");
            alice.next("join");
            bob.next("join");
            alice.broadcast("{\"action\":\"play\",\"at\":12.5}");
            for (ChatClient receiver : new ChatClient[] {bob, carol}) {
                JsonObject broadcast = receiver.next("broadcast");
                assertEquals("alice", broadcast.getString("from"));
                assertEquals("{\"action\":\"play\",\"at\":12.5}", broadcast.get("message").toString());
            }
            alice.expectNothingMore();
            stranger.requestList();
            stranger.expectOutcome(10, NOT_IDENTIFIED); // the very next frame: the unidentified got nothing before
        }
    }

    @Test
    void aDirectMessageReachesOnlyItsRecipientAndGetsNoOutcome() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob");
                ChatClient carol = ChatClient.identified(lobby(), "carol")) {
            alice.next("join");
            alice.next("join");
            bob.next("join");
            alice.message("bob", "{\"secret\":true}");
            JsonObject message = bob.next("message");
            assertEquals("alice", message.getString("from"));
            assertEquals("{\"secret\":true}", message.get("message").toString());
            alice.expectNothingMore();
            carol.expectNothingMore();
        }
    }

    @Test
    void aMessageToNobodyIsAnsweredWith404() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            alice.message("nobody", "1");
            alice.expectOutcome(404, NO_SUCH_CLIENT);
        }
    }

    /**
     * A connection that has not identified has no name, not even the empty one: nobody can address
     * it, neither by the name it is about to take nor by {@code ""}, until it has taken that name.
     */
    @Test
    void aMessageToAConnectionThatHasNotIdentifiedIs404UntilItTakesTheName() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient stranger = ChatClient.connect(lobby())) {
            alice.message("stranger", "\"too early\"");
            alice.expectOutcome(404, NO_SUCH_CLIENT);
            alice.message("", "\"to no name\"");
            alice.expectOutcome(404, NO_SUCH_CLIENT);
            stranger.requestList();
            stranger.expectOutcome(10, NOT_IDENTIFIED); // the very next frame: neither message reached it
            assertEquals(300, stranger.identify("stranger").getInt("code"));
            assertEquals("stranger", alice.next("join").getString("who"));
            alice.message("stranger", "\"now you are someone\"");
            JsonObject message = stranger.next("message");
            assertEquals("alice", message.getString("from"));
            assertEquals("now you are someone", message.getString("message"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"nested\":{\"list\":[1,2,{\"x\":null}]}}", "[1,\"two\",3.0]", "\"just text\"",
        "\"üñíçødé 😀 \\\"quoted\\\" \\\\ \"", "42", "-0", "1e5", "true", "false", "null", "{}", "[]",
        "12345678901234567890123", "3.14159265358979323846264338327950288"})
    void payloadsArriveExactlyAsSent(String payload) {
        assertBroadcastAndMessageRelay(payload);
    }

    /**
     * The container hands text over in parts of about a kilobyte (to keep idle connections cheap),
     * so a long message is assembled by the broker: two-, three- and four-byte characters (the
     * last as surrogate pairs) straddle every part boundary and must come out exactly as sent.
     */
    @Test
    void aLongMessageOfMultibyteCharactersArrivesExactlyAsSent() {
        String text = "aé€😀".repeat(6_000); // 60,000 bytes of UTF-8 in 30,000 chars
        assertBroadcastAndMessageRelay("\"" + text + "\"");
    }

    /** Alice broadcasts {@code payload} and sends it to Bob; Bob receives it verbatim both times. */
    private void assertBroadcastAndMessageRelay(String payload) {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            alice.broadcast(payload);
            assertEquals("{\"type\":\"broadcast\",\"from\":\"alice\",\"message\":" + payload + "}", bob.nextText());
            alice.message("bob", payload);
            assertEquals("{\"type\":\"message\",\"from\":\"alice\",\"message\":" + payload + "}", bob.nextText());
        }
    }

    // §3 Errors: the connection always survives bad input

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"name\":\"alice\"}|Missing 'command' field!",
        "{\"command\":\"identify\"}|Missing 'name' field!",
        "{\"command\":\"broadcast\"}|Missing 'message' field!",
        "{\"command\":\"message\",\"message\":1}|Missing 'to' field!",
        "{\"command\":\"message\",\"to\":\"bob\"}|Missing 'message' field!",
        "{\"command\":42}|Field 'command' must be a string",
        "{\"command\":\"message\",\"to\":7,\"message\":1}|Field 'to' must be a string",
        "{\"command\":\"dance\"}|Unknown command 'dance'",
        "[1,2]|Message must be a JSON object",
        "\"x\"|Message must be a JSON object",
        "42|Message must be a JSON object",
        "null|Message must be a JSON object",
    })
    void badInputIsAnsweredWith400AndTheConnectionCarriesOn(String frame, String reason) {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            alice.next("join");
            alice.send(frame);
            alice.expectOutcome(400, reason);
            alice.message("bob", "\"still here\"");
            assertEquals("still here", bob.next("message").getString("message"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json at all", "{", "{\"command\":\"list\"", "{'command':'list'}", "", " "})
    void textThatIsNotJsonIsAnsweredWith400(String frame) {
        try (ChatClient client = ChatClient.identified(lobby(), "alice")) {
            client.send(frame);
            client.expectBadRequest("Message");
            client.expectNothingMore();
        }
    }

    @Test
    void badInputBeforeIdentifyingIsAlso400AndHarmless() {
        try (ChatClient client = ChatClient.connect(lobby())) {
            client.send("garbage");
            client.expectOutcome(400);
            assertEquals(300, client.identify("alice").getInt("code"));
        }
    }

    @Test
    void aBinaryFrameClosesThatConnectionWith1003AndNobodyElseNotices() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice");
                RawClient raw = RawClient.connect(lobby())) {
            assertEquals(101, raw.status());
            raw.readText();
            raw.sendFrame(RawClient.BINARY, ChatClient.LIST.getBytes(StandardCharsets.UTF_8), true);
            assertEquals(1003, raw.readUntilClose().closeCode());
            alice.expectNothingMore();
        }
    }

    // §4 Leaving

    @Test
    void aCleanCloseReleasesTheNameAndTellsTheOthers() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            ChatClient bob = ChatClient.identified(lobby(), "bob");
            alice.next("join");
            bob.close();
            assertEquals("bob", alice.next("quit").getString("who"));
            try (ChatClient newBob = ChatClient.identified(lobby(), "bob")) {
                alice.next("join");
            }
        }
    }

    @Test
    void aTcpResetReleasesTheNameAndTellsTheOthers() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            RawClient dropper = RawClient.connect(lobby());
            assertEquals(300, dropper.identify("dropper"));
            assertEquals("dropper", alice.next("join").getString("who"));
            dropper.reset();
            assertEquals("dropper", alice.next("quit").getString("who"));
            try (ChatClient again = ChatClient.identified(lobby(), "dropper")) {
                alice.next("join");
            }
        }
    }

    @Test
    void anUnidentifiedConnectionLeavesWithoutAQuit() {
        try (ChatClient alice = ChatClient.identified(lobby(), "alice")) {
            ChatClient.connect(lobby()).close();
            alice.expectNothingMore();
        }
    }
}
