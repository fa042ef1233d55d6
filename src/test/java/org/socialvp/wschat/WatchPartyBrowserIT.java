package org.socialvp.wschat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.socialvp.wschat.testing.Browser;
import org.socialvp.wschat.testing.CuttableProxy;
import org.socialvp.wschat.testing.Deployments;

/**
 * The demo page as a watch party, in real headless Chromium against the deployed WAR: the
 * playback kept in the room state and followed by every page by the server clock (PROTOCOL.md
 * §10–11), racing viewers, a wrong computer clock, a network cut that the session bridges (§9), a
 * reload, and the layout faults users ran into.
 *
 * <p>Positions are checked against the party's position computed here from the state, by the
 * page's own server clock and by this JVM's clock, which is the server's: the server runs on this
 * machine. Each test is a party (room) of its own.
 */
@ExtendWith(ArquillianExtension.class)
class WatchPartyBrowserIT {

    /**
     * How close every page must be to the party after playing a while: the page corrects anything
     * past 0.05 s within a second or two, so 0.3 s is a page that is really out of step, with room
     * for a busy machine.
     */
    private static final double IN_STEP_SECONDS = 0.3;
    /** How close a late joiner's first frame must be to the party's position (issue 18). */
    private static final double LATE_JOINER_SECONDS = 0.5;
    /** Paused pages show the same frame: within a tenth of a second (one or two frames of the clip). */
    private static final double SAME_FRAME_SECONDS = 0.1;
    /** Ten minutes, in milliseconds: how wrong one viewer's computer clock is. */
    private static final long CLOCK_SKEW_MILLIS = Duration.ofMinutes(10).toMillis();

    @ArquillianResource
    private URL deployment;

    private final List<Browser> browsers = new ArrayList<>();
    /** This test's party. */
    private String party;

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.wschat();
    }

    @BeforeEach
    void partyOfItsOwn(TestInfo test) {
        String method = test.getTestMethod().orElseThrow().getName();
        // A room name is at most 64 characters: 50 of the method's name, a dash and 8 hex digits.
        party = method.substring(0, Math.min(method.length(), 50)) + "-" + Integer.toHexString(method.hashCode());
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(Browser::close);
    }

    @Test
    void aLateJoinerStartsWithinHalfASecondOfTheParty() {
        Browser alice = viewer("alice");
        Browser bob = viewer("bob");
        seek(alice, 6);
        press(alice, "#play-toggle");
        awaitPlaying(alice);
        awaitPlaying(bob);
        // Let the party play on, so that the joiner must work out where it is now, not where it was set.
        alice.await("the party past 0:09", driver -> read(alice).partyPositionByTestClock() >= 9);

        Browser carol = viewer("carol", page -> page.beforeEveryPage(RECORD_FIRST_PLAYING));
        Map<String, Object> first = carol.await("carol's video starts", driver -> carol.script("return window.firstPlaying;"));
        double shown = number(first, "time");
        double party = partyPosition(map(first, "playback"), number(first, "now"));
        assertTrue(Math.abs(shown - party) <= LATE_JOINER_SECONDS,
                "carol's first frame is at " + shown + " s, the party at " + party + " s");

        assertEveryPageInStep(alice, bob, carol);
        assertNoConsoleErrors();
    }

    @Test
    void afterASeekAndTenSecondsOfPlayEveryPageIsWithinThreeTenthsOfASecond() throws InterruptedException {
        Browser alice = viewer("alice");
        Browser bob = viewer("bob");
        Browser carol = viewer("carol");
        press(alice, "#play-toggle");
        awaitPlaying(bob);
        seek(bob, 4);
        alice.await("the seek reaches alice", driver -> read(alice).state.action().equals("seek"));

        Thread.sleep(Duration.ofSeconds(10).toMillis()); // the point of the test: ten seconds of play

        for (Browser page : List.of(alice, bob, carol)) {
            Reading reading = read(page);
            assertTrue(reading.state.playing() && !reading.paused, "still playing: " + reading);
            assertTrue(reading.partyPositionByTestClock() >= 14, "ten seconds after the seek to 0:04: " + reading);
            assertInStep(reading);
        }
        // And each page says so (the indicator speaks in tenths: "in sync" below one).
        for (Browser page : List.of(alice, bob, carol)) {
            page.await("the indicator says in sync", driver -> "in sync".equals(page.find("#sync").getText()));
        }
        assertNoConsoleErrors();
    }

    @Test
    void twoViewersRacingPlayAndPauseLeaveTheWholePartyInOneState() throws Exception {
        Browser alice = viewer("alice");
        Browser bob = viewer("bob");
        Browser carol = viewer("carol");
        seek(carol, 5);
        carol.await("the seek is written", driver -> read(carol).version == 1);

        // Both press play/pause 30 times as fast as a script can click, at the same moment.
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> racers = Stream.of(alice, bob).map(page -> CompletableFuture.runAsync(() -> {
            page.script(COUNT_CONFLICTS);
            await(start);
            page.script("const button = document.getElementById('play-toggle'); let presses = 0;"
                    + " window.racing = true;"
                    + " const press = () => { button.click(); if (++presses < 30) { setTimeout(press, 0); } else { window.racing = false; } };"
                    + " press();");
        })).toList();
        start.countDown();
        CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get();
        for (Browser page : List.of(alice, bob)) {
            page.await("30 presses done", driver -> Boolean.FALSE.equals(page.script("return window.racing;")));
        }

        // Every page ends at the state's last version, showing what it says. The checks below are on
        // the very readings that showed it: a playing video read again later may have stuttered past
        // the bound for a moment under load, which the page itself only nudges back (up to 0.5 s).
        AtomicReference<List<Reading>> inStep = new AtomicReference<>();
        alice.await("one state everywhere", driver -> {
            List<Reading> readings = Stream.of(alice, bob, carol).map(WatchPartyBrowserIT::read).toList();
            Reading first = readings.get(0);
            boolean oneState = readings.stream().allMatch(r -> r.version == first.version && r.paused == !r.state.playing()
                    && Math.abs(r.drift()) <= (r.state.playing() ? IN_STEP_SECONDS : SAME_FRAME_SECONDS));
            inStep.set(readings);
            return oneState;
        });
        List<Reading> readings = inStep.get();
        long conflicts = Stream.of(alice, bob).mapToLong(page -> page.<Long>script("return window.conflicts;")).sum();
        System.out.println("racing: " + readings.get(0).version + " versions written, " + conflicts + " presses lost a race");
        for (Reading reading : readings) {
            assertEquals(readings.get(0).state, reading.state, "one playback state in every page");
            assertEquals(!reading.state.playing(), reading.paused, "the video shows that state: " + reading);
            assertInStep(reading);
        }
        if (!readings.get(0).state.playing()) {
            double position = readings.get(0).state.position();
            readings.forEach(r -> assertTrue(Math.abs(r.position - position) <= SAME_FRAME_SECONDS,
                    "paused pages show the same frame: " + r));
        }
        assertTrue(conflicts > 0, "the presses raced (some lost a compare-and-set)");
        assertNoConsoleErrors();
    }

    @Test
    void aViewerWhoseClockIsTenMinutesWrongStaysInStep() {
        Browser alice = viewer("alice");
        Browser bob = viewer("bob", page -> page.beforeEveryPage(CLOCK_TEN_MINUTES_AHEAD));
        long skew = bob.<Long>script("return Date.now();") - System.currentTimeMillis();
        assertTrue(Math.abs(skew - CLOCK_SKEW_MILLIS) < 5000, "bob's clock is ten minutes ahead: " + skew + " ms");
        long skewOfNewDate = bob.<Long>script("return new Date().getTime();") - System.currentTimeMillis();
        assertTrue(Math.abs(skewOfNewDate - CLOCK_SKEW_MILLIS) < 5000, "new Date() too: " + skewOfNewDate + " ms");

        // alice starts the party; bob follows it by the server's clock, not his own.
        seek(alice, 3);
        press(alice, "#play-toggle");
        awaitPlaying(alice);
        awaitPlaying(bob);
        bob.await("bob in step with alice's play", driver -> Math.abs(read(bob).drift()) <= IN_STEP_SECONDS);
        assertInStep(read(bob));

        // bob's own writes carry the server's time: alice follows them.
        press(bob, "#play-toggle");
        for (Browser page : List.of(alice, bob)) {
            page.await("paused by bob", driver -> {
                Reading reading = read(page);
                return !reading.state.playing() && reading.paused;
            });
            Reading paused = read(page);
            assertTrue(Math.abs(paused.position - paused.state.position()) <= SAME_FRAME_SECONDS,
                    "paused where bob paused the party: " + paused);
        }
        assertEquals(read(bob).state, read(alice).state, "one pause for both");
        seek(bob, 12);
        press(bob, "#play-toggle");
        awaitPlaying(alice);
        alice.await("alice plays from 0:12", driver -> {
            Reading reading = read(alice);
            return reading.state.playing() && reading.position >= 12 && Math.abs(reading.drift()) <= IN_STEP_SECONDS;
        });
        for (Browser page : List.of(alice, bob)) {
            assertInStep(read(page));
        }
        assertNoConsoleErrors();
    }

    @Test
    void aViewerCutOffForFiveSecondsResumesWithEveryLineAndThePositionAndNobodySawItGo() throws Exception {
        try (CuttableProxy network = CuttableProxy.to(deployment.getPort())) {
            URI throughTheProxy = URI.create("http://127.0.0.1:" + network.port() + deployment.getPath());
            Browser alice = viewer(throughTheProxy, "alice");
            Browser bob = viewer("bob");
            awaitPeople(alice, "alice,bob");
            bob.script(RECORD_PRESENCE);
            alice.script(COUNT_RECONNECTS);
            press(bob, "#play-toggle");
            awaitPlaying(alice);

            long cutAt = System.nanoTime();
            network.cut();
            alice.await("alice's page sees its connection go",
                    driver -> "reconnecting".equals(alice.script("return document.getElementById('status').dataset.state;")));
            List<String> lines = IntStream.rangeClosed(1, 5).mapToObj(i -> "while alice is away " + i).toList();
            lines.forEach(line -> chat(bob, line));
            seek(bob, 20);
            bob.await("bob's seek written", driver -> read(bob).state.action().equals("seek"));
            press(bob, "#play-toggle"); // paused: alice must come back to this very frame, however long her reconnect takes
            bob.await("bob paused", driver -> !read(bob).state.playing());
            Thread.sleep(Math.max(0, Duration.ofSeconds(5).toMillis() - (System.nanoTime() - cutAt) / 1_000_000));
            network.restore();

            alice.await("alice is back", driver -> "connected".equals(
                    alice.script("return document.getElementById('status').dataset.state;")));
            alice.await("bob's lines reach alice", driver -> chatLinesFrom(alice, "bob").size() >= lines.size());
            assertEquals(lines, chatLinesFrom(alice, "bob"), "every line, once, in order");
            assertEquals(Map.of("resumed", 1L, "connected", 0L), alice.script("return window.reconnects;"),
                    "alice's page resumed its session instead of identifying afresh");
            alice.await("alice paused where bob paused", driver -> {
                Reading reading = read(alice);
                return reading.paused && reading.state.equals(read(bob).state)
                        && Math.abs(reading.drift()) <= SAME_FRAME_SECONDS;
            });
            Reading paused = read(alice);
            assertTrue(paused.position >= 20 && Math.abs(paused.position - read(bob).position) <= SAME_FRAME_SECONDS,
                    "the frame bob paused at: " + paused + " / " + read(bob));
            assertEquals("bob paused at " + clock(paused.state.position()), alice.find("#activity-what").getText(),
                    "the activity line says what the party is doing now");

            // And live again: bob plays, alice follows on the resumed connection.
            press(bob, "#play-toggle");
            awaitPlaying(alice);
            alice.await("the activity line follows", driver -> "bob pressed play".equals(alice.find("#activity-what").getText()));
            alice.await("alice in step", driver -> Math.abs(read(alice).drift()) <= IN_STEP_SECONDS);
            assertInStep(read(alice));
            assertInStep(read(bob));

            assertEquals(List.of(), bob.script("return window.quitsHeard;"), "the server never told bob that alice left");
            assertNeverShownLeaving(bob, "alice");
            assertNoConsoleErrorsBut(alice, "WebSocket connection to 'ws://127.0.0.1:" + network.port() + "/");
            assertNoConsoleErrors(bob);
        }
    }

    @Test
    void aReloadShowsNothingToTheOthersAndPutsTheViewerStraightBackInTheParty() throws InterruptedException {
        Browser alice = viewer("alice");
        Browser bob = viewer("bob");
        awaitPeople(bob, "alice,bob");
        press(bob, "#play-toggle");
        awaitPlaying(alice);
        chat(bob, "before the reload");
        awaitChatLine(alice, "before the reload");
        bob.script(RECORD_PRESENCE);

        alice.reload();
        assertEquals(List.of(true, false), alice.script("return [document.getElementById('join-card').hidden,"
                + " document.getElementById('stage').hidden];"), "no join form: the party at once");
        assertTrue(alice.find("#chat-log").getText().contains("before the reload"), "the chat as it was");
        alice.await("alice is back", driver -> "connected".equals(
                alice.script("return document.getElementById('status').dataset.state;")));
        awaitPeople(alice, "alice,bob");
        awaitPlaying(alice);
        alice.await("alice in step", driver -> Math.abs(read(alice).drift()) <= IN_STEP_SECONDS);
        chat(bob, "after the reload");
        awaitChatLine(alice, "after the reload");

        // A leave would show once the grace for a quick return is over: wait that long, then look.
        long grace = alice.<Long>script("return window.watchParty.presenceGraceMillis;");
        Thread.sleep(grace + 1000);
        assertNeverShownLeaving(bob, "alice");
        assertNoConsoleErrors();
    }

    @Test
    void aLongWordOrLinkInTheChatWrapsInsteadOfWideningThePage() {
        Browser alice = viewer("alice", page -> page.viewport(1280, 800, false));
        Browser bob = viewer("bob");
        chat(bob, "x".repeat(400));
        chat(bob, "https://example.com/" + "a-very-long-path/".repeat(30) + "?q=" + "y".repeat(100));
        alice.await("both lines shown", driver -> chatLinesFrom(alice, "bob").size() == 2);

        Map<String, Object> layout = alice.script("const send = document.getElementById('chat-send').getBoundingClientRect();"
                + " const log = document.getElementById('chat-log').getBoundingClientRect();"
                + " const lines = Array.from(document.querySelectorAll('#chat-log li')).map(li => li.getBoundingClientRect().right);"
                + " return {viewport: innerWidth, page: document.documentElement.scrollWidth, sendRight: send.right,"
                + " logRight: log.right, widestLine: Math.max(...lines)};");
        assertEquals(1280L, layout.get("viewport"));
        assertTrue(number(layout, "page") <= 1280, "the page is no wider than the window: " + layout);
        assertTrue(number(layout, "sendRight") <= 1280, "the Send button is inside the window: " + layout);
        assertTrue(number(layout, "widestLine") <= number(layout, "logRight") + 0.5, "lines wrap inside the chat: " + layout);
        assertEquals(1L, alice.<Long>script("return document.querySelectorAll('#chat-log a[href^=\"https://example.com/\"]').length;"),
                "the link is a link");
        assertNoConsoleErrors();
    }

    @Test
    void onAPhoneTheHeaderTakesOneLineAndEveryControlFits() {
        Browser alice = viewer("alice", page -> page.viewport(390, 844, true));
        Map<String, Object> layout = alice.script("const box = id => document.getElementById(id).getBoundingClientRect();"
                + " const mute = document.getElementById('mute-toggle');"
                + " const header = Array.from(document.querySelectorAll('.topbar .brand, .topbar .session > :not([hidden])'));"
                + " const tops = header.map(e => e.getBoundingClientRect().top), bottoms = header.map(e => e.getBoundingClientRect().bottom);"
                + " return {viewport: innerWidth, page: document.documentElement.scrollWidth,"
                + " headerRows: Math.max(...tops) < Math.min(...bottoms),"
                + " muteRight: box('mute-toggle').right, playerRight: box('video').right,"
                + " muteClipped: mute.scrollWidth > mute.clientWidth,"
                + " playWidth: box('play-toggle').width, playHeight: box('play-toggle').height,"
                + " leaveRight: box('leave').right};");
        assertEquals(390L, layout.get("viewport"));
        assertTrue(number(layout, "page") <= 390, "nothing wider than the phone: " + layout);
        assertEquals(true, layout.get("headerRows"), "the header on one line: " + layout);
        assertTrue(number(layout, "leaveRight") <= 390, "Leave on screen: " + layout);
        assertEquals(false, layout.get("muteClipped"), "Unmute not clipped: " + layout);
        assertTrue(number(layout, "muteRight") <= number(layout, "playerRight"), "Unmute inside the player: " + layout);
        assertEquals(number(layout, "playWidth"), number(layout, "playHeight"), 0.5, "the play button round: " + layout);
        assertTrue(number(layout, "playWidth") >= 44, "the play button a finger wide: " + layout);
        assertNoConsoleErrors();
    }

    // ------------------------------------------------------------------ pages

    /** The deployment's base address, {@code http://127.0.0.1:port/wschat/}. */
    private URI base() {
        return Deployments.base(deployment);
    }

    private Browser viewer(String name) {
        return viewer(base(), name);
    }

    /** A new browser on the demo page at {@code site}, joined to this test's party as {@code name}. */
    private Browser viewer(URI site, String name) {
        return viewer(site, name, page -> { });
    }

    /** A new browser made ready by {@code before} (a viewport, a script for every page), then joined as {@code name}. */
    private Browser viewer(String name, Consumer<Browser> before) {
        return viewer(base(), name, before);
    }

    private Browser viewer(URI site, String name, Consumer<Browser> before) {
        Browser browser = Browser.start();
        browsers.add(browser);
        before.accept(browser);
        join(browser, site, name);
        return browser;
    }

    /** Opens the demo page in {@code browser} and joins the party through its form; returns once connected and the video is loaded. */
    private void join(Browser browser, URI site, String name) {
        browser.open(site + "?room=" + party);
        browser.find("#name").clear();
        browser.find("#name").sendKeys(name);
        browser.find("#join").click();
        browser.await(name + " connected", driver -> "connected".equals(
                browser.script("return document.getElementById('status').dataset.state;")));
        browser.await(name + "'s video loaded", driver -> ((Number) browser.video().get("ready")).intValue() >= 1);
    }

    private static void press(Browser browser, String button) {
        browser.find(button).click();
    }

    /** Moves the position slider, as a viewer letting go of it at {@code seconds}. */
    private static void seek(Browser browser, double seconds) {
        browser.script("const seek = document.getElementById('seek'); seek.value = arguments[0];"
                + " seek.dispatchEvent(new Event('change'));", seconds);
    }

    private static void chat(Browser browser, String text) {
        browser.find("#chat-input").sendKeys(text);
        browser.find("#chat-send").click();
    }

    private static void awaitPlaying(Browser browser) {
        browser.await("the video plays", driver -> {
            Reading reading = read(browser);
            return reading.state.playing() && !reading.paused;
        });
    }

    private static void awaitPeople(Browser browser, String expected) {
        browser.await("people " + expected, driver -> expected.equals(browser.script(
                "return Array.from(document.querySelectorAll('#people .name')).map(e => e.textContent).join(',');")));
    }

    private static void awaitChatLine(Browser browser, String text) {
        browser.await("chat line '" + text + "'", driver -> browser.find("#chat-log").getText().contains(text));
    }

    /** The texts of the chat lines from {@code who}, in the order shown. */
    private static List<String> chatLinesFrom(Browser browser, String who) {
        return browser.script("return Array.from(document.querySelectorAll('#chat-log li:not(.system)'))"
                + ".filter(li => li.querySelector('.who').textContent === arguments[0])"
                + ".map(li => li.textContent.slice(arguments[0].length));", who);
    }

    // ------------------------------------------------------------------ positions

    /** The party's playback as a page's room state holds it. */
    private record Playback(boolean playing, double position, double rate, double at, String action) {
        static Playback of(Map<String, Object> value) {
            return value == null ? new Playback(false, 0, 1, 0, "")
                    : new Playback((Boolean) value.get("playing"), number(value, "position"), number(value, "rate"),
                            number(value, "at"), String.valueOf(value.get("action")));
        }

        /** Where the party is at server time {@code now} (ms): position + rate × (now − at) while playing. */
        double at(double now) {
            return playing ? position + rate * (now - at) / 1000 : position;
        }
    }

    /**
     * One page as read in one script: its video, its state's playback and version, and its server
     * clock; {@code before} and {@code after} are this JVM's clock around the read.
     */
    private record Reading(double position, boolean paused, double serverNow, double clockError, Playback state,
            long version, long before, long after) {

        /** This page's video against the party, by the page's own server clock; positive: ahead. */
        double drift() {
            return position - state.at(serverNow);
        }

        /** The party's position by this JVM's clock, in the middle of the read. */
        double partyPositionByTestClock() {
            return state.at((before + after) / 2.0);
        }
    }

    private static Reading read(Browser browser) {
        long before = System.currentTimeMillis();
        Map<String, Object> page = browser.script("const video = document.getElementById('video');"
                + " const chat = window.watchParty.chat; const entry = chat.state.playback;"
                + " return {position: video.currentTime, paused: video.paused, now: chat.serverNow(),"
                + " clockError: isFinite(chat.clockError()) ? chat.clockError() : -1, playback: entry ? entry.value : null, version: entry ? entry.version : 0};");
        long after = System.currentTimeMillis();
        double clockError = number(page, "clockError");
        return new Reading(number(page, "position"), (Boolean) page.get("paused"), number(page, "now"),
                clockError < 0 ? Double.POSITIVE_INFINITY : clockError, Playback.of(map(page, "playback")), ((Number) page.get("version")).longValue(),
                before, after);
    }

    /**
     * The page's video within {@link #IN_STEP_SECONDS} of the party by its own server clock, and
     * by this JVM's clock too (the video was read somewhere between {@code before} and
     * {@code after}); and its server clock within its own error bound of this JVM's.
     */
    private static void assertInStep(Reading reading) {
        assertTrue(Math.abs(reading.drift()) <= IN_STEP_SECONDS, "in step by the page's server clock: " + reading);
        double earliest = reading.state.at(reading.before);
        double latest = reading.state.at(reading.after);
        assertTrue(reading.position >= earliest - IN_STEP_SECONDS && reading.position <= latest + IN_STEP_SECONDS,
                "in step by the server's own clock: " + reading + ", party between " + earliest + " and " + latest);
        // The server's time is taken within the round trip: serverNow() is off by at most half of it (+1 ms of rounding).
        double bound = reading.clockError + 1;
        assertTrue(reading.serverNow >= reading.before - bound && reading.serverNow <= reading.after + bound,
                "the page's server clock agrees with the server's: " + reading);
    }

    private static void assertEveryPageInStep(Browser... pages) {
        for (Browser page : pages) {
            page.await("in step", driver -> Math.abs(read(page).drift()) <= IN_STEP_SECONDS);
            assertInStep(read(page));
        }
    }

    private static double partyPosition(Map<String, Object> playback, double now) {
        return Playback.of(playback).at(now);
    }

    // ------------------------------------------------------------------ what pages showed

    /** Recorded from the first frame of playback on: where the video started and where the party was then. */
    private static final String RECORD_FIRST_PLAYING = "document.addEventListener('playing', (event) => {"
            + " if (window.firstPlaying || !window.watchParty || !window.watchParty.chat) { return; }"
            + " const chat = window.watchParty.chat; const entry = chat.state.playback;"
            + " window.firstPlaying = {time: event.target.currentTime, now: chat.serverNow(), playback: entry ? entry.value : null};"
            + " }, true);";

    /**
     * Records in the page what it showed of presence: every system line of the chat, and the
     * people list at every change (as painted: the list after each batch of changes), and every
     * {@code quit} the server sent it.
     */
    private static final String RECORD_PRESENCE = "window.systemLines = []; window.peopleShown = []; window.quitsHeard = [];"
            + " new MutationObserver((changes) => changes.forEach((change) => change.addedNodes.forEach((node) => {"
            + "   if (node.classList.contains('system')) { window.systemLines.push(node.textContent); } })))"
            + " .observe(document.getElementById('chat-log'), {childList: true});"
            + " const people = document.getElementById('people');"
            + " new MutationObserver(() => window.peopleShown.push("
            + "   Array.from(people.querySelectorAll('.name')).map(e => e.textContent).join(',')))"
            + " .observe(people, {childList: true});"
            + " const chat = window.watchParty.chat; const shown = chat.onquit;"
            + " chat.onquit = function (who, e) { window.quitsHeard.push(who); return shown.call(this, who, e); };";

    /** Counts in the page how its connection comes back: resumed, or identified afresh. */
    private static final String COUNT_RECONNECTS = "window.reconnects = {resumed: 0, connected: 0};"
            + " const chat = window.watchParty.chat; const resumed = chat.onresumed, connected = chat.onconnected;"
            + " chat.onresumed = function () { window.reconnects.resumed++; return resumed.apply(this, arguments); };"
            + " chat.onconnected = function () { window.reconnects.connected++; return connected.apply(this, arguments); };";

    /** Counts in the page the playback writes that lost a compare-and-set (409). */
    private static final String COUNT_CONFLICTS = "window.conflicts = 0; const chat = window.watchParty.chat;"
            + " const setState = chat.setState;"
            + " chat.setState = function () { return setState.apply(this, arguments).catch((err) => {"
            + "   if (err.code === 409) { window.conflicts++; } throw err; }); };";

    /**
     * A computer clock ten minutes ahead, as the page sees it from its first line: {@code Date.now()},
     * {@code new Date()} and {@code performance.timeOrigin} (which a browser takes from the same clock).
     */
    private static final String CLOCK_TEN_MINUTES_AHEAD = "(() => { const skew = " + CLOCK_SKEW_MILLIS + ";"
            + " const RealDate = Date; const realNow = RealDate.now.bind(RealDate);"
            + " function SkewedDate(...args) {"
            + "   if (!new.target) { return new RealDate(realNow() + skew).toString(); }"
            + "   return args.length ? new RealDate(...args) : new RealDate(realNow() + skew); }"
            + " SkewedDate.prototype = RealDate.prototype; SkewedDate.now = () => realNow() + skew;"
            + " SkewedDate.parse = RealDate.parse; SkewedDate.UTC = RealDate.UTC; window.Date = SkewedDate;"
            + " const origin = performance.timeOrigin + skew;"
            + " Object.defineProperty(performance, 'timeOrigin', {get: () => origin}); })();";

    /** {@code who} was never shown leaving (nor coming back) in {@code page}, since RECORD_PRESENCE. */
    private static void assertNeverShownLeaving(Browser page, String who) {
        List<String> lines = page.script("return window.systemLines;");
        assertEquals(List.of(), lines.stream().filter(line -> line.startsWith(who + " ")).toList(),
                "no line about " + who + " leaving or joining");
        List<String> shown = page.script("return window.peopleShown;");
        assertEquals(List.of(), shown.stream().filter(names -> !List.of(names.split(",")).contains(who)).toList(),
                who + " in the people list all along");
    }

    private void assertNoConsoleErrors() {
        browsers.forEach(WatchPartyBrowserIT::assertNoConsoleErrors);
    }

    private static void assertNoConsoleErrors(Browser browser) {
        assertEquals(List.of(), browser.consoleErrors(), "the page logs no errors");
    }

    /** No console errors but the browser's own reports of connections refused while the network was cut. */
    private static void assertNoConsoleErrorsBut(Browser browser, String refusedConnection) {
        assertEquals(List.of(), browser.consoleErrors().stream().filter(line -> !line.contains(refusedConnection)).toList(),
                "the page logs no errors but the refused reconnections");
    }

    // ------------------------------------------------------------------ plumbing

    /** {@code seconds} as the page writes a position: minutes, a colon, two digits of whole seconds. */
    private static String clock(double seconds) {
        long whole = (long) Math.floor(seconds);
        return whole / 60 + ":" + String.format("%02d", whole % 60);
    }

    private static double number(Map<String, Object> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> map, String key) {
        return (Map<String, Object>) map.get(key);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
