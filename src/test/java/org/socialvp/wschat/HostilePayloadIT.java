package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;

/**
 * No frame disconnects anybody else: payloads that are legal JSON but that a container cannot
 * write as UTF-8 as they decode (a string escape for a lone UTF-16 surrogate) reach every
 * receiver, who stay connected and get every frame after them.
 */
class HostilePayloadIT extends DeployedWarIT {

    /** Lone surrogates in a string, in an object key, in a nested array, at a string's end. */
    private static final String[] LONE_SURROGATES = {
        "\"\\ud800\"",
        "{\"\\udfff\":\"key\"}",
        "[1,[\"ok\",[\"\\udbff\"]]]",
        "{\"chat\":\"cut emoji \\ud83d\"}",
    };

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aBroadcastWithALoneSurrogateReachesEveryoneAndDisconnectsNobody(int which) {
        String payload = LONE_SURROGATES[which];
        try (ChatClient mallory = ChatClient.identified(lobby(), "mallory");
                ChatClient alice = ChatClient.identified(lobby(), "alice");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            mallory.next("join");
            mallory.next("join");
            alice.next("join");
            mallory.broadcast(payload);
            mallory.broadcast("\"after\"");
            JsonValue sent = ChatClient.parse("{\"p\":" + payload + "}").get("p");
            for (ChatClient viewer : new ChatClient[] {alice, bob}) {
                assertEquals(sent, viewer.next("broadcast").get("message"), "the payload as sent");
                assertEquals("after", viewer.next("broadcast").getString("message"), "and the next frame");
                assertFalse(viewer.isClosed());
            }
            bob.broadcast("\"still here\"");
            assertEquals("still here", alice.next("broadcast").getString("message"));
            assertEquals("still here", mallory.next("broadcast").getString("message"));
            alice.expectNothingMore();
            mallory.expectNothingMore();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aDirectMessageWithALoneSurrogateReachesItsRecipientWhoStays(int which) {
        String payload = LONE_SURROGATES[which];
        try (ChatClient mallory = ChatClient.identified(lobby(), "mallory");
                ChatClient bob = ChatClient.identified(lobby(), "bob")) {
            mallory.next("join");
            mallory.message("bob", payload);
            mallory.message("bob", "\"after\"");
            assertEquals(ChatClient.parse("{\"p\":" + payload + "}").get("p"), bob.next("message").get("message"));
            assertEquals("after", bob.next("message").getString("message"));
            bob.message("mallory", "\"still here\"");
            assertEquals("still here", mallory.next("message").getString("message"));
            bob.expectNothingMore();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\\ud800", "\\udc00x", "x\\ud83d"})
    void anUnknownCommandWithALoneSurrogateIsAnswered400AndTheSenderStays(String command) {
        try (ChatClient mallory = ChatClient.identified(lobby(), "mallory")) {
            mallory.send("{\"command\":\"" + command + "\"}");
            mallory.expectBadRequest("Unknown command '"); // the name echoed, lone surrogate and all
            mallory.expectNothingMore();
        }
    }
}
