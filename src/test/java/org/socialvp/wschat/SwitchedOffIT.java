package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.ApiClient;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Exposition;
import org.socialvp.wschat.testing.StatusPage;
import org.socialvp.wschat.testing.Tokens;

/**
 * PROTOCOL.md §12–13 with their switches off. Without {@code wschat.tokenSecret} or
 * {@code wschat.tokenPublicKey} an identify needs no token, as before (and a {@code token} it
 * carries is not looked at). Without {@code wschat.apiKey} the API is off: every call, whatever
 * its method and key, is answered 404 with an error saying so, and none reaches a viewer, while
 * {@code /metrics} answers. With {@code wschat.statusEnabled=false} {@code /metrics} is a 404 like {@code /status},
 * and the API, which has its own switch, still answers. One deployment at a time (Payara Micro
 * starts a JVM for each, on the one port).
 */
@ExtendWith(ArquillianExtension.class)
class SwitchedOffIT {

    /** Each deployment is named after its context path. */
    private static final String PLAIN = "plain";
    private static final String DARK = "dark";
    private static final String KEY = "the-dark-deployment's-api-key-0123";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = PLAIN, managed = false, testable = false)
    static WebArchive plainWar() {
        return Deployments.wschat(PLAIN + ".war", Map.of());
    }

    @Deployment(name = DARK, managed = false, testable = false)
    static WebArchive darkWar() {
        return Deployments.wschat(DARK + ".war", Map.of("wschat.statusEnabled", "false", "wschat.apiKey", KEY));
    }

    @Test
    void withNoTokenSettingAnIdentifyNeedsNoTokenAndOneItCarriesIsNotLookedAt() {
        deployer.deploy(PLAIN);
        try {
            URI party = Deployments.room(Deployments.base(PLAIN), "open-party");
            try (ChatClient alice = ChatClient.identified(party, "alice");
                    ChatClient bob = ChatClient.connect(party)) {
                bob.send(Tokens.identify("bob", "not-a-jwt"));
                bob.expectOutcome(300, "Identified successfully!");
                assertEquals("bob", alice.next("join").getString("who"));
                bob.send(Tokens.identify("robert", Tokens.forViewer("another-party", "someone-else")));
                bob.expectOutcome(300);
                assertEquals("bob", alice.next("quit").getString("who"));
                assertEquals("robert", alice.next("join").getString("who"));
                alice.send(ChatClient.identifyCommand("alicia"));
                alice.expectOutcome(300);
                for (int i = 0; i < 3; i++) {
                    alice.send(ChatClient.identifyCommand("robert"));
                    alice.expectOutcome(305); // no 401 ever, so no 1008 after the third
                }
                assertEquals(List.of("alicia", "robert"), alice.list());
            }
        } finally {
            deployer.undeploy(PLAIN);
        }
    }

    @Test
    void withNoApiKeyNoApiCallIsAnsweredAndTheMetricsAre() {
        deployer.deploy(PLAIN);
        try {
            URI base = Deployments.base(PLAIN);
            try (ChatClient alice = ChatClient.identified(Deployments.lobby(base), "alice")) {
                for (ApiClient api : List.of(new ApiClient(base, null), new ApiClient(base, KEY))) {
                    assertApiOff(api.get("rooms/lobby"));
                    assertApiOff(api.get(""));
                    assertApiOff(api.post("rooms/lobby/broadcast", "{\"message\":\"hi\"}"));
                    assertApiOff(api.post("rooms/lobby/message/alice", "{\"message\":\"hi\"}"));
                    assertApiOff(api.put("rooms/lobby/state/video", "1"));
                    assertApiOff(api.delete("rooms/lobby/viewers/alice"));
                }
                alice.expectNothingMore(); // nothing was sent, written or removed
                assertEquals(List.of("alice"), alice.list());
            }
            Exposition.scrape(base.resolve("metrics")).value("wschat_connections");
        } finally {
            deployer.undeploy(PLAIN);
        }
    }

    /** {@code response} is the API's 404 saying it is off. */
    private static void assertApiOff(HttpResponse<String> response) {
        assertEquals(ChatClient.parse("{\"error\":\"The server API is off: wschat.apiKey is not set\"}"),
                ApiClient.expect(response, 404), () -> response.request().method() + " " + response.uri());
    }

    @Test
    void withTheStatusSwitchedOffTheMetricsAre404AndTheApiStillAnswers() {
        deployer.deploy(DARK);
        try {
            URI base = Deployments.base(DARK);
            assertEquals(404, StatusPage.get(base.resolve("metrics")).statusCode());
            assertEquals(404, StatusPage.get(Deployments.status(base)).statusCode());
            try (ChatClient alice = ChatClient.identified(Deployments.room(base, "dark-party"), "alice")) {
                assertEquals(ChatClient.parse("{\"room\":\"dark-party\",\"names\":[\"alice\"],\"state\":{}}"),
                        ApiClient.expect(new ApiClient(base, KEY).get("rooms/dark-party"), 200));
            }
        } finally {
            deployer.undeploy(DARK);
        }
    }
}
