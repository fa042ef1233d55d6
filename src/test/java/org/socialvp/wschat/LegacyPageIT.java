package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.socialvp.wschat.testing.Browser;
import org.socialvp.wschat.testing.DeployedWarIT;
import org.socialvp.wschat.testing.Deployments;
import org.socialvp.wschat.testing.Server;

/**
 * A watch-together page written the way the 2013 SVP pages were ({@code svp2013/index.html}: plain
 * scripts, {@code svp.ws = WSChat();} without {@code new}, the socket at
 * {@code "ws://" + location.host + "/wschat"}, the application messages join, info, chat,
 * statechange, jump, timeupdate and sync, and the 305 reload dance) works against WSChat unchanged,
 * in headless Chromium, served from within the WAR so that {@code ws://host/wschat} is the WAR's
 * context root. Every scenario runs twice: with the page's own 2013-style client
 * ({@code svp2013/wschat2013.js}) and with the WAR's {@code /wschat/js/wschat.js} in its place.
 *
 * <p>Tomcat only: on Payara the bare context root is redirected before the WAR sees the request.
 */
class LegacyPageIT extends DeployedWarIT {

    private static final String PAGE = "svp2013/index.html";
    private static final double IN_STEP_SECONDS = 0.5;
    private static final int MEBIBYTE = 1024 * 1024;
    /** {@link #historyLine} written in the page's JavaScript, for its loop variable {@code i}. */
    private static final String HISTORY_LINE_JS = "'line ' + i + ': ' + 'svp2013 '.repeat(2048)";

    private final List<Browser> browsers = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat()
                .addAsWebResource("svp2013/index.html", "svp2013/index.html")
                .addAsWebResource("svp2013/svp2013.js", "svp2013/svp2013.js")
                .addAsWebResource("svp2013/wschat2013.js", "svp2013/wschat2013.js");
    }

    /** Every 2013 page is in the lobby: the pages of the previous test are gone (DeployedWarIT waits for that). */
    @BeforeEach
    void onTomcatOnly() {
        Server.assumeTomcat("2013 pages connect to ws://host/wschat, the bare context root, which Payara"
                + " redirects before the WAR sees the request (README)");
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
    }

    @ParameterizedTest(name = "{0} client, {1} pages")
    @CsvSource({"2013, 2", "2013, 3", "wschat, 2", "wschat, 3"})
    void aPartyChatsPlaysPausesAndJumpsTogether(String client, int size) {
        String[] names = Arrays.copyOf(new String[] {"alice", "bob", "carol"}, size);
        List<Browser> party = new ArrayList<>();
        for (String name : names) {
            party.add(viewer(client, "movie-night", name));
        }
        party.forEach(page -> awaitNames(page, names));

        for (int i = 0; i < size; i++) {
            String line = "hello from " + names[i];
            party.get(i).find("#chat-input").sendKeys(line, Keys.ENTER);
            for (int j = 0; j < size; j++) {
                awaitChatLine(party.get(j), (i == j ? "You" : names[i]) + ": " + line);
            }
        }

        party.forEach(LegacyPageIT::awaitVideoLoaded);
        Browser first = party.get(0);
        Browser second = party.get(1);
        Browser last = party.get(size - 1);

        first.find("#playpause").click();
        party.forEach(page -> awaitState(page, "the video plays", state -> !(Boolean) state.get("paused")));
        assertInStep(first, party);

        second.find("#jump-to").clear();
        second.find("#jump-to").sendKeys("20");
        second.find("#jump").click();
        party.forEach(page -> awaitState(page, "the video jumped to 0:20", state -> position(state) >= 19.5));
        assertInStep(second, party);
        for (Browser page : party) {
            if (page != second) {
                awaitState(page, names[1] + "'s reported position follows the jump",
                        state -> ((Number) positions(state).get(names[1])).intValue() >= 20);
            }
        }

        last.find("#playpause").click();
        party.forEach(page -> awaitState(page, "the video pauses", state -> (Boolean) state.get("paused")));
        assertInStep(last, party);

        syncButton(second, names[0]).click();
        awaitState(first, names[1] + " says it syncs to " + names[0],
                state -> List.of(names[1]).equals(state.get("syncedBy")));
        syncButton(second, names[0]).click();
        awaitState(first, names[1] + " says it no longer does", state -> List.of().equals(state.get("syncedBy")));

        party.forEach(LegacyPageIT::assertNoErrors);
    }

    @ParameterizedTest(name = "{0} client")
    @ValueSource(strings = {"2013", "wschat"})
    void aLateJoinerIsSentTheWholeHistory(String client) {
        Browser alice = viewer(client, "long-party", "alice");
        Browser bob = viewer(client, "long-party", "bob");
        awaitNames(alice, "alice", "bob");
        alice.script("for (var i = 0; i < 60; i++) { svp.chat(" + HISTORY_LINE_JS + "); }");
        awaitState(bob, "bob shows alice's 60 lines", state -> chatCount(state) == 60);
        bob.script("for (var i = 60; i < 64; i++) { svp.chat(" + HISTORY_LINE_JS + "); }");
        awaitState(alice, "alice shows bob's 4 lines", state -> chatCount(state) == 64);
        long historyChars = alice.script("return JSON.stringify(svpChats()).length;");
        assertTrue(historyChars >= MEBIBYTE, "the history alice sends in her info is 1 MiB: " + historyChars);

        awaitVideoLoaded(alice);
        alice.script("svp.jump(12);");
        awaitState(bob, "bob jumps to 0:12", state -> Math.abs(position(state) - 12) < 0.01);

        Browser carol = viewer(client, "long-party", "carol");
        awaitNames(carol, "alice", "bob", "carol");
        awaitNames(alice, "alice", "bob", "carol");
        awaitNames(bob, "alice", "bob", "carol");
        Map<String, Object> shown = awaitState(carol, "carol shows the whole history", state -> chatCount(state) == 64);
        assertTrue(((Number) shown.get("chatChars")).longValue() >= MEBIBYTE, "carol shows all of it: " + shown.get("chatChars"));
        List<Map<String, Object>> history = carol.script("return svpChats();");
        for (int i = 0; i < 64; i++) {
            assertEquals(i < 60 ? "alice" : "bob", history.get(i).get("from"), "who wrote line " + i);
            assertTrue(historyLine(i).equals(history.get(i).get("message")), "line " + i + " arrived whole, in its place");
        }

        awaitVideoLoaded(carol);
        Map<String, Object> where = awaitState(carol, "carol starts where the party is, at 0:12",
                state -> Math.abs(position(state) - 12) < 0.01);
        assertEquals(true, where.get("paused"), "the party is paused, and so is carol");

        Stream.of(alice, bob, carol).forEach(LegacyPageIT::assertNoErrors);
    }

    @ParameterizedTest(name = "{0} client")
    @ValueSource(strings = {"2013", "wschat"})
    void aPageThatClosesDropsOutOfTheOthersLists(String client) {
        Browser alice = viewer(client, "leaving", "alice");
        Browser bob = viewer(client, "leaving", "bob");
        Browser carol = viewer(client, "leaving", "carol");
        awaitNames(alice, "alice", "bob", "carol");
        awaitNames(carol, "alice", "bob", "carol");
        assertNoErrors(bob);

        browsers.remove(bob);
        bob.close();
        awaitNames(alice, "alice", "carol");
        awaitNames(carol, "alice", "carol");

        assertNoErrors(carol);
        alice.script("svp.sync('bob');");
        awaitState(alice, "a message to the page that has gone is answered 404, for bob",
                state -> List.of("404 bob").equals(state.get("errors")));
        assertNoConsoleErrors(alice);
    }

    @ParameterizedTest(name = "{0} client")
    @ValueSource(strings = {"2013", "wschat"})
    void aPageThatReloadsComesBackForTheOthers(String client) {
        Browser alice = viewer(client, "reloading", "alice");
        Browser bob = viewer(client, "reloading", "bob");
        awaitNames(alice, "alice", "bob");
        awaitNames(bob, "alice", "bob");
        alice.find("#chat-input").sendKeys("before the reload", Keys.ENTER);
        awaitChatLine(bob, "alice: before the reload");

        bob.driver().navigate().refresh();
        awaitState(bob, "bob is back", state -> (Boolean) state.get("connected"));
        awaitNames(bob, "alice", "bob");
        awaitChatLine(bob, "alice: before the reload");
        bob.find("#chat-input").sendKeys("after the reload", Keys.ENTER);
        awaitChatLine(alice, "bob: after the reload");
        // Frames from bob come in order with his leaving and coming back: alice has had all of it.
        List<String> flap = List.of("+bob", "-bob", "+bob");
        Object changes = state(alice).get("viewerChanges");
        if (client.equals("2013")) {
            assertEquals(flap, changes, "alice saw bob leave and come back");
        } else {
            // wschat.js asks for presence in batches (PROTOCOL.md §18): a reload quick enough to leave
            // and come back within one batch is in neither list, and the others see nothing at all.
            assertTrue(List.of(flap, List.of("+bob")).contains(changes),
                    "alice saw bob leave and come back, or, within one batch, nothing: " + changes);
        }
        awaitNames(alice, "alice", "bob");

        assertEquals(List.of(), state(bob).get("errors"), "bob got his name back at once");
        Stream.of(alice, bob).forEach(LegacyPageIT::assertNoErrors);
    }

    @ParameterizedTest(name = "{0} client")
    @ValueSource(strings = {"2013", "wschat"})
    void aTakenNameSendsThePageThroughTheReloadDanceToItsFallbackName(String client) {
        Browser alice = viewer(client, "names", "alice");
        Browser second = open(client, "names", "alice", "alice2");
        Map<String, Object> state = awaitState(second, "the second page joined as alice2 after the reload",
                s -> "alice2".equals(s.get("name")) && (Boolean) s.get("connected"));
        assertEquals(List.of("305 alice"), state.get("errors"), "it was refused alice before the reload");
        assertEquals("#error:nameexists", second.script("return location.hash;"));
        assertTrue(second.find("#name-error").getText().contains("already watching"));
        awaitNames(second, "alice", "alice2");
        awaitNames(alice, "alice", "alice2");

        alice.find("#chat-input").sendKeys("welcome, alice2", Keys.ENTER);
        awaitChatLine(second, "alice: welcome, alice2");
        assertNoErrors(alice);
        assertNoConsoleErrors(second);
    }

    /** One line of a long party's history, 16 KiB: 64 of them make 1 MiB. */
    private static String historyLine(int i) {
        return "line " + i + ": " + "svp2013 ".repeat(2048);
    }

    private Browser open(String client, String party, String name, String fallback) {
        Browser browser = Browser.start();
        browsers.add(browser);
        browser.open(base() + PAGE + "?client=" + client + "&party=" + party + "&name=" + name
                + (fallback == null ? "" : "&fallback=" + fallback));
        return browser;
    }

    /** A page of {@code party} that has connected as {@code name}. */
    private Browser viewer(String client, String party, String name) {
        Browser browser = open(client, party, name, null);
        awaitState(browser, name + " connected", state -> (Boolean) state.get("connected"));
        return browser;
    }

    private static Map<String, Object> state(Browser page) {
        return page.script("return svpState();");
    }

    /** Waits until the page's state is as {@code expected} and returns it; on failure says what it last was. */
    private static Map<String, Object> awaitState(Browser page, String what, Predicate<Map<String, Object>> expected) {
        try {
            return page.await(what, driver -> {
                Map<String, Object> state = state(page);
                return expected.test(state) ? state : null;
            });
        } catch (TimeoutException e) {
            throw new AssertionError(what + "; the page's state: " + state(page), e);
        }
    }

    private static void awaitNames(Browser page, String... names) {
        List<String> expected = List.of(names);
        awaitState(page, "the viewer list shows " + expected, state -> expected.equals(state.get("names")));
    }

    private static void awaitChatLine(Browser page, String line) {
        awaitState(page, "the chat shows '" + line + "'", state -> ((List<?>) state.get("chats")).contains(line));
    }

    private static void awaitVideoLoaded(Browser page) {
        awaitState(page, "the video loaded", state -> ((Number) state.get("ready")).intValue() >= 1);
    }

    private static WebElement syncButton(Browser page, String name) {
        return page.driver().findElement(By.xpath(
                "//ul[@id='viewers']/li[span[@class='name' and text()='" + name + "']]/button[@class='sync']"));
    }

    private static int chatCount(Map<String, Object> state) {
        return ((List<?>) state.get("chats")).size();
    }

    private static double position(Map<String, Object> state) {
        return ((Number) state.get("position")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> positions(Map<String, Object> state) {
        return (Map<String, Object>) state.get("positions");
    }

    private static double position(Browser page) {
        return ((Number) page.video().get("position")).doubleValue();
    }

    /** Every page's video within half a second of the leader's, read as close together in time as possible. */
    private static void assertInStep(Browser leader, List<Browser> party) {
        for (Browser follower : party) {
            follower.await("positions within " + IN_STEP_SECONDS + " s", driver -> {
                double a = position(leader);
                double b = position(follower);
                double a2 = position(leader);
                return Math.abs((a + a2) / 2 - b) <= IN_STEP_SECONDS;
            });
        }
    }

    /** No error reported by the server to the page, and nothing logged to its console as an error. */
    private static void assertNoErrors(Browser page) {
        Map<String, Object> state = state(page);
        assertEquals(List.of(), state.get("errors"), state.get("name") + ": errors the server reported");
        assertNoConsoleErrors(page);
    }

    private static void assertNoConsoleErrors(Browser page) {
        assertEquals(List.of(), page.consoleErrors(), state(page).get("name") + ": console errors");
    }
}
