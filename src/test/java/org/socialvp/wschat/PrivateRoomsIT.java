package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jwt.PlainJWT;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.RawClient;
import org.socialvp.wschat.testing.Tokens;

/**
 * Private rooms (PROTOCOL.md §12) over real sockets, on a deployment with {@code wschat.tokenSecret}
 * set and tokens signed with Nimbus as the site's backend signs them: a valid token admits (300);
 * every kind of refusal is a 401 saying why, on a connection that stays open and unidentified;
 * the third refusal on one connection closes it 1008 {@code unauthorized}; a rename needs a token
 * for the new name and a refused one keeps the old; a resume needs none. (The server without the
 * setting is in {@link SwitchedOffIT}; the checks claim by claim in {@code TokenVerifierTest}.)
 */
class PrivateRoomsIT extends DeployedWarIT {

    /** The room of the test (each test has its own, so that a session a failed test left cannot hold a name). */
    private String party;
    private URI partyUri;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat(Map.of("wschat.tokenSecret", Tokens.SECRET_SETTING));
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        party = "private-" + test.getTestMethod().orElseThrow().getName().hashCode();
        partyUri = room(party);
    }

    /** A viewer on a raw socket admitted with a token and {@code "resume":true}, and its session. */
    record WithSession(RawClient socket, String session) {

        static WithSession admitted(URI uri, String room, String name) {
            RawClient socket = RawClient.connect(uri);
            socket.readText(); // init
            socket.sendText("{\"command\":\"identify\",\"name\":" + ChatClient.quote(name) + ",\"resume\":true,\"token\":"
                    + ChatClient.quote(Tokens.forViewer(room, name)) + "}");
            JsonObject opened = ChatClient.parse(socket.readText());
            ChatClient.assertOutcome(opened, 300);
            return new WithSession(socket, opened.getString("session"));
        }
    }

    @Test
    void aTokenForTheRoomAndTheNameIsAnswered300AndTheRoomSeesTheJoin() {
        try (ChatClient bob = Tokens.admitted(partyUri, party, "bob");
                ChatClient alice = ChatClient.connect(partyUri)) {
            alice.send(Tokens.identify("alice", Tokens.forViewer(party, "alice")));
            alice.expectOutcome(300, "Identified successfully!");
            assertEquals("alice", bob.next("join").getString("who"));
            assertEquals(List.of("alice", "bob"), alice.list());
        }
    }

    @Test
    void aTokenWithoutSubAdmitsAnyFreeNameAndRoomStarAdmitsToAnyRoom() {
        try (ChatClient anyName = ChatClient.connect(partyUri);
                ChatClient anyRoom = ChatClient.connect(partyUri)) {
            anyName.send(Tokens.identify("whoever", Tokens.sign(Tokens.claims(party, null))));
            anyName.expectOutcome(300);
            anyRoom.send(Tokens.identify("carol", Tokens.forViewer("*", "carol")));
            anyRoom.expectOutcome(300);
            assertEquals("carol", anyName.next("join").getString("who"));
            assertEquals(List.of("carol", "whoever"), anyRoom.list());
        }
    }

    /** A token that must not admit alice to the party, and the reason its 401 gives. */
    private record Refused(String why, String token) {
    }

    private List<Refused> refusedTokens() {
        Instant now = Instant.now();
        return List.of(
                new Refused("Token expired", Tokens.sign(Tokens.claims(party, "alice")
                        .expirationTime(Date.from(now.minusSeconds(120))))),
                new Refused("Token not valid yet", Tokens.sign(Tokens.claims(party, "alice")
                        .notBeforeTime(Date.from(now.plusSeconds(120))))),
                new Refused("Token not for this room", Tokens.forViewer("another-party", "alice")),
                new Refused("Token not for this name", Tokens.forViewer(party, "mallory")),
                new Refused("Token has a bad signature", Tokens.sign(Tokens.claims(party, "alice"),
                        "not the watch party's own secret".getBytes(StandardCharsets.US_ASCII))),
                new Refused("Token has a bad signature: it is not signed",
                        new PlainJWT(Tokens.claims(party, "alice").build()).serialize()),
                new Refused("Token claims malformed",
                        Tokens.sign(Tokens.claims(party, "alice").claim("exp", "tomorrow"))),
                new Refused("Token has no expiry (exp)", Tokens.sign(Tokens.claims(party, "alice").expirationTime(null))),
                new Refused("Token has no room", Tokens.sign(Tokens.claims(party, "alice").claim("room", null))),
                new Refused("Token malformed", "not-a-jwt"),
                new Refused("Token too long", "e".repeat(9000)));
    }

    @Test
    void everyRefusalIs401SayingWhyAndTheConnectionStaysOpenAndUnidentified() {
        try (ChatClient bob = Tokens.admitted(partyUri, party, "bob")) {
            for (Refused refused : refusedTokens()) {
                String why = refused.why();
                try (ChatClient alice = ChatClient.connect(partyUri)) {
                    alice.send(Tokens.identify("alice", refused.token()));
                    alice.expectOutcome(401, why);
                    alice.send(ChatClient.LIST);
                    alice.expectOutcome(10); // still unidentified
                    alice.send(Tokens.identify("alice", Tokens.forViewer(party, "alice")));
                    alice.expectOutcome(300); // and still open: a good token now admits
                    assertEquals("alice", bob.next("join").getString("who"), why);
                }
                assertEquals("alice", bob.next("quit").getString("who"));
            }
            bob.expectNothingMore(); // no refused viewer was ever heard of
        }
    }

    @Test
    void anIdentifyWithoutATokenIs401TokenMissing() {
        try (ChatClient alice = ChatClient.connect(partyUri)) {
            alice.send(ChatClient.identifyCommand("alice"));
            alice.expectOutcome(401, "Token missing");
            alice.send(Tokens.identify("alice", ""));
            alice.expectOutcome(401, "Token missing");
        }
    }

    @Test
    void aTokenThatIsNotAStringIs400AndNoRefusal() {
        try (ChatClient alice = ChatClient.connect(partyUri)) {
            for (String token : List.of("7", "null", "{}", "[\"x\"]")) {
                alice.send("{\"command\":\"identify\",\"name\":\"alice\",\"token\":" + token + "}");
                alice.expectBadRequest("Field 'token' must be a string");
            }
            alice.send(Tokens.identify("alice", Tokens.forViewer(party, "alice")));
            alice.expectOutcome(300); // four 400s are not three refusals
        }
    }

    @Test
    void theThirdRefusalOnOneConnectionClosesIt1008Unauthorized() {
        try (ChatClient bob = Tokens.admitted(partyUri, party, "bob");
                RawClient mallory = RawClient.connect(partyUri)) {
            mallory.readText(); // init
            mallory.sendText(ChatClient.identifyCommand("mallory"));
            ChatClient.assertOutcome(ChatClient.parse(mallory.readText()), 401, "Token missing");
            mallory.sendText(Tokens.identify("mallory", Tokens.forViewer(party, "alice")));
            ChatClient.assertOutcome(ChatClient.parse(mallory.readText()), 401, "Token not for this name");
            mallory.sendText(ChatClient.LIST);
            ChatClient.assertOutcome(ChatClient.parse(mallory.readText()), 10); // two refusals: still open
            mallory.sendText(Tokens.identify("mallory", Tokens.forViewer("elsewhere", "mallory")));
            ChatClient.assertOutcome(ChatClient.parse(mallory.readText()), 401, "Token not for this room");
            mallory.expectClose(1008, "unauthorized");
            bob.expectNothingMore();
        }
    }

    @Test
    void aRefusalAfterIdentifyingCountsTowardsTheThirdToo() {
        try (ChatClient alice = Tokens.admitted(partyUri, party, "alice")) {
            for (int i = 0; i < 2; i++) {
                alice.send(ChatClient.identifyCommand("alicia"));
                alice.expectOutcome(401, "Token missing");
            }
            alice.send(Tokens.identify("alicia", Tokens.forViewer(party, "alice")));
            alice.expectOutcome(401, "Token not for this name");
            ChatClient.Close close = alice.awaitClose();
            assertEquals(1008, close.code());
            assertEquals("unauthorized", close.reason());
        }
    }

    @Test
    void aRenameNeedsATokenForTheNewNameAndARefusedOneKeepsTheOldName() {
        try (ChatClient bob = Tokens.admitted(partyUri, party, "bob");
                ChatClient alice = Tokens.admitted(partyUri, party, "alice")) {
            bob.next("join");
            alice.send(ChatClient.identifyCommand("alicia"));
            alice.expectOutcome(401, "Token missing");
            alice.send(Tokens.identify("alicia", Tokens.forViewer(party, "alice")));
            alice.expectOutcome(401, "Token not for this name");
            assertEquals(List.of("alice", "bob"), alice.list(), "the refused renames kept the old name");
            bob.expectNothingMore();

            alice.send(ChatClient.identifyCommand("alice"));
            alice.expectOutcome(300, "Identified successfully!"); // the name it holds needs no token

            alice.send(Tokens.identify("alicia", Tokens.forViewer(party, "alicia")));
            alice.expectOutcome(300);
            assertEquals("alice", bob.next("quit").getString("who"));
            assertEquals("alicia", bob.next("join").getString("who"));
            assertEquals(List.of("alicia", "bob"), bob.list());
        }
    }

    @Test
    void aResumeNeedsNoToken() {
        try (ChatClient bob = Tokens.admitted(partyUri, party, "bob")) {
            WithSession alice = WithSession.admitted(partyUri, party, "alice");
            bob.next("join");
            alice.socket().reset();
            bob.broadcast("\"while you were away\"");
            bob.expectNothingMore(); // alice is suspended, not gone: no quit

            try (ChatClient back = ChatClient.connect(partyUri)) {
                back.send("{\"command\":\"resume\",\"session\":\"" + alice.session() + "\",\"last\":0}");
                JsonObject resumed = back.next("outcome");
                assertEquals(301, resumed.getInt("code"), resumed::toString);
                assertEquals("alice", resumed.getString("name"));
                JsonObject missed = back.next("broadcast");
                assertEquals("while you were away", missed.getString("message"));
                assertEquals(1, missed.getInt("seq"));
                assertEquals(List.of("alice", "bob"), back.list());
                bob.expectNothingMore(); // the room saw nothing
            }
        }
    }
}
