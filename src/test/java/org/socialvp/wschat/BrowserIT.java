package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebDriver;
import org.socialvp.wschat.testing.Browser;
import org.socialvp.wschat.testing.ChatClient;
import org.socialvp.wschat.testing.Deployments;

/**
 * The demo page and wschat.js in real headless Chromium, against the deployed WAR. The WAR is
 * deployed by the first test and kept for the others, each in a room of its own (on Payara every
 * deployment is a Payara Micro JVM of its own, a dozen seconds to start); one test redeploys it,
 * which closes every session with 1001.
 */
@ExtendWith(ArquillianExtension.class)
class BrowserIT {

    /** The deployment, named after its context path. */
    private static final String WSCHAT = "wschat";

    @ArquillianResource
    private Deployer deployer;

    private final List<Browser> browsers = new ArrayList<>();
    private String page;

    @Deployment(name = WSCHAT, managed = false, testable = false)
    static WebArchive war() {
        return Deployments.wschat().addAsWebResource("legacy/legacy.html", "legacy/legacy.html");
    }

    /**
     * Whether the WAR is deployed: by the first test, for the others too. Arquillian undeploys a
     * deployment still deployed after the last test, as it does a managed one.
     */
    private static boolean deployed;

    @BeforeAll
    static void notDeployedYet() {
        deployed = false;
    }

    @BeforeEach
    void deploy() {
        if (!deployed) {
            deployer.deploy(WSCHAT);
            deployed = true;
        }
        page = Deployments.base(WSCHAT).toString();
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
    }

    @Test
    void twoViewersJoinOneRoomSeeEachOtherAndChat() {
        Browser alice = viewer("alice", "party-chat");
        Browser bob = viewer("bob", "party-chat");
        awaitPeople(alice, "alice", "bob");
        awaitPeople(bob, "alice", "bob");

        chat(alice, "hello from alice");
        awaitChatLine(bob, "hello from alice");
        chat(bob, "hi alice!");
        awaitChatLine(alice, "hi alice!");
        assertEquals(List.of(), alice.consoleErrors(), "the page logs no errors");
        assertEquals(List.of(), bob.consoleErrors(), "the page logs no errors");
    }

    @Test
    void playAndSeekAreFollowedAtTheSamePosition() {
        Browser alice = viewer("alice", "party-video");
        Browser bob = viewer("bob", "party-video");
        awaitPeople(bob, "alice", "bob");
        alice.await("alice's video loaded", driver -> ((Number) alice.video().get("ready")).intValue() >= 1);
        bob.await("bob's video loaded", driver -> ((Number) bob.video().get("ready")).intValue() >= 1);

        alice.find("#play-toggle").click();
        bob.await("bob's video plays", driver -> !(Boolean) bob.video().get("paused"));
        assertInStep(alice, bob);

        alice.script("var seek = document.getElementById('seek'); seek.value = 20;"
                + " seek.dispatchEvent(new Event('change'));");
        bob.await("bob jumps to 0:20", driver -> position(bob) >= 19.5);
        assertInStep(alice, bob);

        alice.find("#play-toggle").click();
        bob.await("bob's video pauses", driver -> (Boolean) bob.video().get("paused"));
        assertInStep(alice, bob);
    }

    @Test
    void aLateJoinerStartsWhereThePartyIs() {
        Browser alice = viewer("alice", "party-late");
        alice.await("alice's video loaded", driver -> ((Number) alice.video().get("ready")).intValue() >= 1);
        alice.script("var seek = document.getElementById('seek'); seek.value = 12;"
                + " seek.dispatchEvent(new Event('change'));");
        alice.find("#play-toggle").click();
        Browser carol = viewer("carol", "party-late");
        carol.await("carol's video plays", driver -> !(Boolean) carol.video().get("paused"));
        assertInStep(alice, carol);
    }

    @Test
    void aViewerWhoLeavesDisappearsForTheOthers() {
        Browser alice = viewer("alice", "party-leave");
        Browser bob = viewer("bob", "party-leave");
        awaitPeople(alice, "alice", "bob");
        bob.find("#leave").click();
        awaitPeople(alice, "alice");
        awaitChatLine(alice, "bob left");
    }

    @Test
    void aTakenNameIsReportedOnTheJoinForm() {
        Browser alice = viewer("alice", "party-names");
        Browser impostor = Browser.start();
        browsers.add(impostor);
        impostor.open(page + "?room=party-names");
        impostor.find("#name").sendKeys("alice");
        impostor.find("#join").click();
        impostor.await("the name is refused", driver -> impostor.find("#join-error").isDisplayed());
        assertTrue(impostor.find("#join-error").getText().contains("already called alice"));
        awaitPeople(alice, "alice");
    }

    @Test
    void afterTheServerClosesWith1001ThePageReconnectsAndIdentifiesByItself() throws Exception {
        Browser alice = viewer("alice", "party-restart");
        deployer.undeploy(WSCHAT);
        deployed = false;
        alice.await("alice sees the connection drop", driver -> !"connected".equals(statusOf(alice)));
        assertEquals("1001", alice.script("return document.getElementById('status').dataset.closeCode;"));
        deploy();
        alice.await("alice is back", driver -> "connected".equals(statusOf(alice)));
        awaitPeople(alice, "alice");
        URI room = Deployments.room(Deployments.base(WSCHAT), "party-restart");
        try (ChatClient bob = ChatClient.identified(room, "bob")) {
            bob.message("alice", "{\"svp\":\"chat\",\"text\":\"welcome back\"}");
            awaitChatLine(alice, "welcome back");
        }
    }

    @Test
    void aPageWrittenForThe2013ClientWorksNameByName() {
        Browser page2013 = Browser.start();
        browsers.add(page2013);
        page2013.open(page + "legacy/legacy.html");
        URI ws = Deployments.lobby();
        try (ChatClient bob = ChatClient.identified(ws, "bob")) {
            assertEquals(List.of(true, true, true, true), page2013.script(
                    "var c = new WSChat(); return [typeof c.init === 'function', typeof c.message === 'function',"
                    + " typeof c.broadcast === 'function', typeof c.close === 'function'];"));
            assertEquals(List.of(0L, true, false, false), page2013.script(
                    "var c = new WSChat(); return [c.retries, c.closed, c.log, c.noretry];"));

            page2013.script("window.chat = connect(arguments[0], 'alice', false); window.chat.log = true;", ws.toString());
            awaitCall(page2013, "onconnected", "Identified successfully!");
            assertEquals("alice", bob.next("join").getString("who"));

            page2013.script("window.chat.broadcast({hello: 'everyone'});");
            assertEquals("{\"hello\":\"everyone\"}", bob.next("broadcast").get("message").toString());
            page2013.script("window.chat.message({hello: 'bob'}, 'bob');");
            assertEquals("{\"hello\":\"bob\"}", bob.next("message").get("message").toString());

            bob.broadcast("{\"n\":1}");
            awaitCall(page2013, "onbroadcast", "bob");
            bob.message("alice", "[1,2,3]");
            awaitCall(page2013, "onmessage", "bob");

            page2013.script("window.chat.message('anyone there?', 'nobody');");
            Map<String, Object> error = awaitCall(page2013, "onerror", "nobody");
            assertEquals(404L, ((List<?>) error.get("args")).get(0));

            try (ChatClient carol = ChatClient.identified(ws, "carol")) {
                bob.next("join");
                // wschat.js asks for presence in batches (PROTOCOL.md §18), and a name that comes and
                // goes within one batch is in neither list: carol speaks, which brings her join to the
                // page before her words, so that her leaving is news to it.
                carol.broadcast("{\"hi\":\"everyone\"}");
                bob.next("broadcast");
                awaitCall(page2013, "onbroadcast", "carol");
            }
            assertEquals("carol", bob.next("quit").getString("who"));
            awaitCall(page2013, "onquit", "carol");

            page2013.script("window.chat.close();");
            awaitCall(page2013, "onclose", "[close]");
            assertEquals(true, page2013.script("return window.chat.closed;"));
            assertEquals("alice", bob.next("quit").getString("who"));

            page2013.script("window.broken = connect('ws://127.0.0.1:1/nothing', 'x', true);");
            awaitCall(page2013, "onwserror", "[error]");
            assertEquals((Object) 0L, page2013.script("return window.broken.retries;"), "noretry: no reconnection");
        }
        assertEquals(List.of(), page2013.consoleErrors().stream()
                .filter(line -> !line.contains("127.0.0.1:1")).toList());
    }

    private Browser viewer(String name, String room) {
        Browser browser = Browser.start();
        browsers.add(browser);
        browser.open(page + "?room=" + room);
        browser.find("#name").clear();
        browser.find("#name").sendKeys(name);
        browser.find("#join").click();
        browser.await(name + " connected", driver -> "connected".equals(statusOf(browser)));
        return browser;
    }

    private static String statusOf(Browser browser) {
        return browser.script("return document.getElementById('status').dataset.state;");
    }

    private static void chat(Browser browser, String text) {
        browser.find("#chat-input").sendKeys(text);
        browser.find("#chat-send").click();
    }

    private static void awaitChatLine(Browser browser, String text) {
        browser.await("chat line '" + text + "'",
                driver -> browser.find("#chat-log").getText().contains(text));
    }

    private static void awaitPeople(Browser browser, String... names) {
        String expected = String.join(",", names);
        browser.await("people " + expected, (WebDriver driver) -> expected.equals(browser.script(
                "return Array.from(document.querySelectorAll('#people .name')).map(e => e.textContent).join(',');")));
    }

    private static double position(Browser browser) {
        return ((Number) browser.video().get("position")).doubleValue();
    }

    /** Both videos within half a second of each other, read as close together in time as possible. */
    private static void assertInStep(Browser leader, Browser follower) {
        follower.await("positions within 0.5 s", driver -> {
            double a = position(leader);
            double b = position(follower);
            double a2 = position(leader);
            return Math.abs((a + a2) / 2 - b) <= 0.5;
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitCall(Browser browser, String callback, String argument) {
        return browser.await(callback + "(" + argument + ")", driver -> {
            List<Map<String, Object>> calls = browser.script("return window.calls;");
            return calls.stream()
                    .filter(call -> call.get("name").equals(callback) && call.get("args").toString().contains(argument))
                    .findFirst().orElse(null);
        });
    }
}
