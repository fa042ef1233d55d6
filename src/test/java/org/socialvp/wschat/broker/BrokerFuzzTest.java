package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.socialvp.wschat.cluster.LocalOnly;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.testing.FakePeer;
import org.socialvp.wschat.testing.FakePeer.Completes;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole path a client's text takes: message parts,
 * limits, {@code CommandDecoder}, the command rules, {@code EventEncoder} and the outboxes — the
 * real {@link Broker} with scripted peers instead of a container.
 *
 * <p><b>The property.</b> In a room where {@code mallory} and two healthy viewers ({@code bob},
 * {@code René}) are identified, for every text mallory sends: {@link Connection#text} returns
 * normally (nothing reaches the container), within a second of CPU time (plus a second per 512 Ki
 * characters: linear work, never worse); every frame anyone is sent encodes as strict UTF-8 (what a container
 * needs to send it) and parses as a JSON object; and either mallory gets a 400 (the text is not
 * valid JSON, not an object, nested deeper than 64 levels, has a number over the limits, lacks or
 * mistypes a field, names an unknown command or an invalid name, or resumes a session though it
 * has a name), or is closed with 1009 (over {@code wschat.maxMessageBytes}; the others hear its
 * {@code quit}), or the command does exactly what PROTOCOL.md says: a broadcast or message frame
 * whose {@code message} equals, as JSON-P values and literal for literal, the payload in
 * mallory's text as the JSON-P parser reads it; 300 (with a session token for {@code resume:true}),
 * 305, 404, and the {@code list}, {@code quit} and {@code join} frames as documented. Afterwards
 * bob and René still talk to each other and to mallory: nobody is closed or wedged by another's
 * frame; and once all have left, the broker holds nothing of the room.
 *
 * <p>{@link #rawFrame} sends a corpus file as it is (its bytes as UTF-8, where an encoded surrogate
 * such as {@code ED A0 80} stands for a raw lone surrogate), in the 1 KiB parts in which a
 * container with WSChat's receive buffers delivers it. {@link #commands} builds up to four texts
 * from the fuzzer's data with {@link FuzzedCommands}, so that most of them get past the JSON
 * parser, and splits each into arbitrary parts.
 *
 * <p><b>Every build</b> ({@code mvn test}, {@code mvn verify}) runs each method once per file of
 * its committed regression corpus,
 * {@code src/test/resources/org/socialvp/wschat/broker/BrokerFuzzTestInputs/<method>/}, and once
 * with an empty input: no fuzzing, about fifteen seconds (most of it Jazzer's agent starting).
 *
 * <p><b>A fuzzing run</b> is by hand, one method per run, for {@code maxDuration} (30 minutes):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -o test-compile surefire:test@default-test -Dtest='BrokerFuzzTest#commands'
 * JAZZER_FUZZ=1 mvn -o test-compile surefire:test@default-test -Dtest='BrokerFuzzTest#rawFrame'
 * </pre>
 *
 * ({@code surefire:test@default-test} because a plain {@code mvn test -Dtest=…} would run the test
 * a second time in the French-locale execution.) For another length, append libFuzzer's own flag
 * through Jazzer 0.24's argument parameters, the first of which is a program name that libFuzzer
 * ignores: {@code -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=600}
 * (seconds; Jazzer 0.24 has no {@code jazzer.max_duration}). A finding is written as
 * {@code crash-<sha1>} into the method's inputs directory above, and from then on every build
 * replays it: commit it with the fix. The corpus that the fuzzer grows meanwhile is kept in
 * {@code .cifuzz-corpus/} at the project root (not committed; the next run starts from it).
 */
class BrokerFuzzTest {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /**
     * A text's budget of CPU time: a second, plus a second per this many characters. Linear work on
     * a message near 2 MiB takes tens of milliseconds, but a cold JVM or the fuzzer's
     * instrumentation can slow it tenfold; what this catches is work that is not linear.
     */
    private static final long LINEAR_CHARS_PER_SECOND = 512 * 1024;
    /** The container's receive buffer in WSChat's WAR: text arrives in parts of at most this many characters. */
    private static final int PART = 1024;
    /** Byte-rate 429s are only expected once a sender has sent nearly the burst (4 MiB). */
    private static final long BYTE_BURST_NEARLY = 3L << 20;
    private static final String BOB = "bob";
    private static final String RENE = "Ren\u00e9";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Logger WSCHAT_LOG = Logger.getLogger("org.socialvp.wschat");
    private static final AtomicInteger ROOMS = new AtomicInteger();
    private static Level logLevel;
    private static Broker broker;
    private static Settings settings;

    @BeforeAll
    static void start() {
        // Each 1009 is logged at INFO; a fuzzing run makes thousands.
        logLevel = WSCHAT_LOG.getLevel();
        WSCHAT_LOG.setLevel(Level.WARNING);
        settings = Settings.defaults();
        broker = new Broker(settings, JSON, BrokerFuzzTest.class.getClassLoader(), new LocalOnly());
    }

    @AfterAll
    static void stop() {
        broker.shutdown();
        WSCHAT_LOG.setLevel(logLevel);
    }

    @FuzzTest(maxDuration = "30m")
    void rawFrame(byte[] input) throws InterruptedException {
        String text = Wtf8.decode(input);
        List<String> parts = new ArrayList<>();
        for (int at = 0; at < text.length(); at += PART) {
            parts.add(text.substring(at, Math.min(text.length(), at + PART)));
        }
        if (parts.isEmpty()) {
            parts.add("");
        }
        Party party = new Party();
        try {
            party.start();
            party.mallorySends(text, parts);
            party.everyoneStillTalks();
        } finally {
            party.leave();
        }
        nothingLeftBehind();
    }

    @FuzzTest(maxDuration = "30m")
    void commands(FuzzedDataProvider data) throws InterruptedException {
        FuzzedCommands commands = new FuzzedCommands(data);
        Party party = new Party();
        try {
            party.start();
            int count = commands.count();
            for (int i = 0; i < count; i++) {
                String text = commands.next(party.malloryName);
                party.mallorySends(text, commands.parts(text));
            }
            party.everyoneStillTalks();
        } finally {
            party.leave();
        }
        nothingLeftBehind();
    }

    /** Once everyone has left, the broker holds nothing of the room. */
    private static void nothingLeftBehind() {
        Status status = broker.status();
        assertEquals(0, status.connections(), "connections left behind");
        assertEquals(0, status.rooms(), "a room left behind");
    }

    /** One input's room: mallory, who sends the input, and two viewers who only receive it. */
    private static final class Party {

        final String room = "fuzz-" + ROOMS.incrementAndGet();
        final List<Seat> everyone = new ArrayList<>();
        Seat mallory;
        Seat bob;
        Seat rene;
        String malloryName = "mallory";
        /** Whether mallory opened a resumable session (PROTOCOL.md §9): its frames are numbered then. */
        boolean mallorySession;
        boolean malloryClosed;
        long malloryBytes;
        /** The room's state keys written so far, with their versions; and the bytes of the texts that wrote them. */
        final Map<String, Long> versions = new HashMap<>();
        long stateBytes;
        /** What mallory sent last, for failure messages. */
        String shown = "(setup)";
        /** The literal tree of each frame taken since mallory last sent. */
        final Map<JsonObject, Map<String, Object>> literals = new IdentityHashMap<>();

        void start() {
            bob = connect();
            rene = connect();
            mallory = connect();
            identify(bob, BOB, BOB);
            identify(rene, "Rene\u0301", RENE);
            assertEquals(List.of(RENE), bob.whoJoined());
            identify(mallory, "mallory", "mallory");
            assertEquals(List.of("mallory"), bob.whoJoined());
            assertEquals(List.of("mallory"), rene.whoJoined());
        }

        private Seat connect() {
            FakePeer peer = new FakePeer(Completes.INLINE, false);
            Seat seat = new Seat(peer, broker.open(peer, room), this);
            everyone.add(seat);
            List<JsonObject> frames = seat.take();
            assertEquals(1, frames.size(), frames::toString);
            assertEquals("init", type(frames.get(0)));
            assertEquals(room, frames.get(0).getString("room"));
            return seat;
        }

        private void identify(Seat seat, String name, String shownAs) {
            seat.connection.text("{\"command\":\"identify\",\"name\":\"" + name + "\"}", true);
            List<JsonObject> frames = seat.take();
            assertEquals(1, frames.size(), frames::toString);
            assertOutcome(frames.get(0), 300);
            seat.name = shownAs;
        }

        /** Mallory sends {@code text} in {@code parts}; checks what everyone got for it. */
        void mallorySends(String text, List<String> parts) throws InterruptedException {
            shown = show(text);
            literals.clear();
            long started = cpuTime();
            for (int i = 0; i < parts.size(); i++) {
                try {
                    mallory.connection.text(parts.get(i), i == parts.size() - 1);
                } catch (Throwable e) {
                    throw new AssertionError("Connection.text threw: the container would see it. Input: " + shown, e);
                }
            }
            long took = cpuTime() - started;
            long budget = SECOND + SECOND * text.length() / LINEAR_CHARS_PER_SECOND;
            assertTrue(took < budget, () -> "took " + took / 1_000_000 + " ms: " + shown);
            List<JsonObject> toMallory = mallory.take();
            List<JsonObject> toBob = bob.take();
            List<JsonObject> toRene = rene.take();
            if (malloryClosed) {
                nothing(toMallory, toBob, toRene);
                return;
            }
            long size = Wtf8.length(text);
            if (size > settings.maxMessageBytes()) {
                assertTrue(mallory.peer.awaitClose(5), () -> "an oversize message closes its sender: " + shown);
                assertEquals(1009, mallory.peer.closeCode(), shown);
                nothing(toMallory);
                for (Seat seat : List.of(bob, rene)) {
                    List<JsonObject> frames = seat == bob ? toBob : toRene;
                    assertEquals(1, frames.size(), () -> seat.name + " got " + frames + " for " + shown);
                    assertPresence(frames.get(0), "quit", malloryName);
                }
                malloryClosed = true;
                return;
            }
            malloryBytes += size;
            if (malloryBytes > BYTE_BURST_NEARLY && toMallory.size() == 1 && code(toMallory.get(0)) == 429) {
                nothing(toBob, toRene);
                return;
            }
            Reference sent = Reference.of(text);
            if (sent == null || !sent.withinLimits) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            JsonValue command = sent.object.get("command");
            String verb = command instanceof JsonString string ? string.getString() : "";
            switch (verb) {
                case "broadcast" -> broadcast(sent, toMallory, toBob, toRene);
                case "message" -> message(sent, toMallory, toBob, toRene);
                case "identify" -> identify(sent, toMallory, toBob, toRene);
                // resume is for a new connection, before identify: mallory has a name
                case "resume" -> badRequest(toMallory, toBob, toRene);
                case "state" -> state(sent, size, toMallory, toBob, toRene);
                case "time" -> time(sent, toMallory, toBob, toRene);
                case "list" -> {
                    nothing(toBob, toRene);
                    assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
                    assertList(toMallory.get(0));
                }
                default -> badRequest(toMallory, toBob, toRene);
            }
        }

        private void broadcast(Reference sent, List<JsonObject> toMallory, List<JsonObject> toBob,
                List<JsonObject> toRene) {
            if (!sent.object.containsKey("message")) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            nothing(toMallory);
            for (List<JsonObject> frames : List.of(toBob, toRene)) {
                assertEquals(1, frames.size(), () -> frames + " for " + shown);
                assertPayload(frames.get(0), "broadcast", sent);
            }
        }

        private void message(Reference sent, List<JsonObject> toMallory, List<JsonObject> toBob,
                List<JsonObject> toRene) {
            if (!(sent.object.get("to") instanceof JsonString to) || !sent.object.containsKey("message")) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            String target = Normalizer.normalize(to.getString(), Normalizer.Form.NFC);
            List<JsonObject> delivered = target.equals(BOB) ? toBob : target.equals(RENE) ? toRene
                    : target.equals(malloryName) ? toMallory : null;
            for (List<JsonObject> frames : List.of(toMallory, toBob, toRene)) {
                if (frames != delivered && !(delivered == null && frames == toMallory)) {
                    nothing(frames);
                }
            }
            if (delivered == null) {
                assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
                assertOutcome(toMallory.get(0), 404);
            } else {
                assertEquals(1, delivered.size(), () -> delivered + " for " + shown);
                assertPayload(delivered.get(0), "message", sent);
            }
        }

        private void identify(Reference sent, List<JsonObject> toMallory, List<JsonObject> toBob,
                List<JsonObject> toRene) {
            JsonValue resume = sent.object.get("resume");
            boolean flag = resume == null || resume.getValueType() == JsonValue.ValueType.TRUE
                    || resume.getValueType() == JsonValue.ValueType.FALSE;
            if (!(sent.object.get("name") instanceof JsonString requested) || !flag) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            boolean opensSession = resume != null && resume.getValueType() == JsonValue.ValueType.TRUE
                    && settings.resumeSeconds() > 0 && !mallorySession;
            String name = requested.getString();
            String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
            if (nfc.equals(malloryName) && !Names.mustRefuse(name)) {
                nothing(toBob, toRene);
                assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
                identified(toMallory.get(0), opensSession);
                return;
            }
            if ((nfc.equals(BOB) || nfc.equals(RENE)) && !Names.mustRefuse(name)) {
                nothing(toBob, toRene);
                assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
                assertOutcome(toMallory.get(0), 305);
                return;
            }
            assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
            int code = code(toMallory.get(0));
            if (code == 400) {
                assertTrue(!Names.mustAccept(name), () -> "a good name refused: " + show(name) + " in " + shown);
                badRequest(toMallory, toBob, toRene);
                return;
            }
            identified(toMallory.get(0), opensSession);
            assertTrue(!Names.mustRefuse(name), () -> "a name the rules refuse was accepted: " + show(name));
            for (List<JsonObject> frames : List.of(toBob, toRene)) {
                assertEquals(2, frames.size(), () -> frames + " for " + shown);
                assertPresence(frames.get(0), "quit", malloryName);
                assertPresence(frames.get(1), "join", nfc);
            }
            malloryName = nfc;
        }

        /**
         * A write of the room's state (PROTOCOL.md §14): everyone, mallory too, gets the new value
         * with the key's next version; or 409 (another version), 413 (too big), 400 (a bad key,
         * value or version).
         */
        private void state(Reference sent, long size, List<JsonObject> toMallory, List<JsonObject> toBob,
                List<JsonObject> toRene) {
            JsonValue ifVersion = sent.object.get("ifVersion");
            if (!(sent.object.get("key") instanceof JsonString key) || !sent.object.containsKey("value")
                    || (ifVersion != null && count(ifVersion) < 0) || Names.mustRefuse(key.getString())) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            String nfc = Normalizer.normalize(key.getString(), Normalizer.Form.NFC);
            long current = versions.getOrDefault(nfc, 0L);
            if (toMallory.size() == 1 && code(toMallory.get(0)) == 400) {
                assertTrue(!Names.mustAccept(key.getString()), () -> "a good key refused: " + shown);
                badRequest(toMallory, toBob, toRene);
                return;
            }
            if (ifVersion != null && count(ifVersion) != current) {
                nothing(toBob, toRene);
                assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
                assertOutcome(toMallory.get(0), 409);
                assertEquals(current, toMallory.get(0).getJsonNumber("version").longValueExact(), shown);
                return;
            }
            stateBytes += size;
            if (toMallory.size() == 1 && code(toMallory.get(0)) == 413) {
                // The state's size counts its JSON, at most about twice the text that wrote it.
                assertTrue(2 * stateBytes > settings.maxStateBytes(), () -> "413 for a small state: " + shown);
                nothing(toBob, toRene);
                assertOutcome(toMallory.get(0), 413);
                return;
            }
            for (List<JsonObject> frames : List.of(toMallory, toBob, toRene)) {
                assertEquals(1, frames.size(), () -> frames + " for " + shown);
                JsonObject frame = frames.get(0);
                assertEquals("state", type(frame), () -> frame + " for " + shown);
                assertEquals(nfc, frame.getString("key"), () -> frame + " for " + shown);
                assertEquals(malloryName, frame.getString("from"), () -> frame + " for " + shown);
                assertEquals(current + 1, frame.getJsonNumber("version").longValueExact(),
                        () -> frame + " for " + shown);
                assertTrue(frame.get("time") instanceof JsonNumber, () -> frame + " for " + shown);
                assertSame(sent, "value", frame);
            }
            versions.put(nfc, current + 1);
        }

        /** The server's clock (PROTOCOL.md §15): {@code t0} back digit for digit, or 400 if it is not a number. */
        private void time(Reference sent, List<JsonObject> toMallory, List<JsonObject> toBob, List<JsonObject> toRene) {
            JsonValue t0 = sent.object.get("t0");
            if (t0 != null && !(t0 instanceof JsonNumber)) {
                badRequest(toMallory, toBob, toRene);
                return;
            }
            nothing(toBob, toRene);
            assertEquals(1, toMallory.size(), () -> toMallory + " for " + shown);
            JsonObject frame = toMallory.get(0);
            assertEquals("time", type(frame), () -> frame + " for " + shown);
            assertTrue(frame.get("time") instanceof JsonNumber, () -> frame + " for " + shown);
            if (t0 == null) {
                assertTrue(!frame.containsKey("t0"), () -> frame + " for " + shown);
            } else {
                assertSame(sent, "t0", frame);
            }
        }

        /** {@code field} of {@code frame} is the one in mallory's text: equal as JSON-P values, literal for literal. */
        private void assertSame(Reference sent, String field, JsonObject frame) {
            assertEquals(sent.object.get(field), frame.get(field),
                    () -> "'" + field + "' changed on the way: " + show(frame.toString()) + " for " + shown);
            assertEquals(sent.literal.get(field), literals.get(frame).get(field),
                    () -> "'" + field + "' was written differently: " + show(frame.toString()) + " for " + shown);
        }

        /** A 300, with a session token if it opens mallory's session. */
        private void identified(JsonObject frame, boolean opensSession) {
            assertOutcome(frame, 300);
            assertEquals(opensSession, frame.get("session") instanceof JsonString, () -> frame + " for " + shown);
            mallorySession |= opensSession;
        }

        /** Bob and René broadcast to each other (and mallory, if still there); mallory lists. */
        void everyoneStillTalks() {
            shown = "(afterwards)";
            for (Seat speaker : List.of(bob, rene)) {
                Seat listener = speaker == bob ? rene : bob;
                speaker.connection.text("{\"command\":\"broadcast\",\"message\":{\"alive\":\"" + speaker.name + "\"}}",
                        true);
                nothing(speaker.take());
                List<Seat> listeners = malloryClosed ? List.of(listener) : List.of(listener, mallory);
                for (Seat seat : listeners) {
                    List<JsonObject> frames = seat.take();
                    assertEquals(1, frames.size(), () -> seat.name + " got " + frames + " after " + shown);
                    assertEquals("broadcast", type(frames.get(0)));
                    assertEquals(speaker.name, frames.get(0).getString("from"));
                    assertEquals(JSON.createObjectBuilder().add("alive", speaker.name).build(),
                            frames.get(0).get("message"));
                }
                if (malloryClosed) {
                    nothing(mallory.take());
                }
            }
            if (!malloryClosed) {
                mallory.connection.text("{\"command\":\"list\"}", true);
                List<JsonObject> frames = mallory.take();
                assertEquals(1, frames.size(), frames::toString);
                assertList(frames.get(0));
                assertTrue(mallory.peer.isOpen(), "mallory was closed though no limit was hit");
            }
            for (Seat seat : List.of(bob, rene)) {
                assertTrue(seat.peer.isOpen(), () -> seat.name + " was closed (" + seat.peer.closeCode() + " "
                        + seat.peer.closeReason() + ") because of another's frame");
                assertEquals(0, seat.peer.overlaps(), "overlapping sends");
            }
        }

        /** Everyone's connection closes, as the container reports it. */
        void leave() {
            for (Seat seat : everyone) {
                seat.connection.closed(1000, "bye");
            }
        }

        private void assertPayload(JsonObject frame, String type, Reference sent) {
            assertEquals(type, type(frame), () -> frame + " for " + shown);
            assertEquals(malloryName, frame.getString("from"), () -> frame + " for " + shown);
            assertSame(sent, "message", frame);
        }

        private void assertList(JsonObject frame) {
            assertEquals("list", type(frame), () -> frame + " for " + shown);
            List<String> names = new ArrayList<>(List.of(BOB, RENE, malloryName));
            names.sort(null);
            List<String> listed = new ArrayList<>();
            frame.getJsonArray("names").forEach(name -> listed.add(((JsonString) name).getString()));
            assertEquals(names, listed, shown);
        }

        private void badRequest(List<JsonObject> toMallory, List<JsonObject> toBob, List<JsonObject> toRene) {
            nothing(toBob, toRene);
            assertEquals(1, toMallory.size(), () -> "mallory got " + toMallory + " for " + shown);
            assertOutcome(toMallory.get(0), 400);
            assertTrue(toMallory.get(0).get("message") instanceof JsonString, () -> toMallory + " for " + shown);
        }

        @SafeVarargs
        private void nothing(List<JsonObject>... lists) {
            for (List<JsonObject> frames : lists) {
                assertTrue(frames.isEmpty(), () -> "unexpected frames " + frames + " for " + shown);
            }
        }

        private void assertOutcome(JsonObject frame, int code) {
            assertEquals("outcome", type(frame), () -> frame + " for " + shown);
            assertEquals(code, frame.getInt("code"), () -> frame + " for " + shown);
            assertEquals(code == 300, frame.getBoolean("success"), () -> frame + " for " + shown);
        }

        private void assertPresence(JsonObject frame, String type, String who) {
            assertEquals(type, type(frame), () -> frame + " for " + shown);
            assertEquals(who, frame.getString("who"), () -> frame + " for " + shown);
        }
    }

    /** One viewer of the party: a scripted peer and the connection the broker opened for it. */
    private static final class Seat {

        final FakePeer peer;
        final Connection connection;
        final Party party;
        String name;

        Seat(FakePeer peer, Connection connection, Party party) {
            this.peer = peer;
            this.connection = connection;
            this.party = party;
        }

        /** Every frame sent to this viewer so far, each checked as a container and a client would. */
        List<JsonObject> take() {
            List<JsonObject> frames = new ArrayList<>();
            for (String text : peer.drain()) {
                try {
                    StandardCharsets.UTF_8.newEncoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .encode(CharBuffer.wrap(text));
                } catch (CharacterCodingException e) {
                    fail(name + " was sent a frame no container can send as UTF-8 (" + e + "): " + show(text)
                            + " for " + party.shown);
                }
                Reference frame = Reference.of(text);
                if (frame == null) {
                    fail(name + " was sent a frame that is not a JSON object: " + show(text) + " for " + party.shown);
                }
                if (frame.object == null) {
                    fail(name + " was sent a frame beyond the limits a sender must keep: " + show(text));
                }
                assertTrue(frame.object.get("type") instanceof JsonString, () -> "no type: " + show(text));
                frames.add(frame.object);
                party.literals.put(frame.object, frame.literal);
            }
            return frames;
        }

        List<String> whoJoined() {
            List<String> names = new ArrayList<>();
            for (JsonObject frame : take()) {
                assertEquals("join", type(frame), frame::toString);
                names.add(frame.getString("who"));
            }
            return names;
        }
    }

    /**
     * A text as the JSON-P parser reads it, independently of {@code CommandDecoder}: one object and
     * nothing after it, as a JSON-P value and as a tree that keeps number literals as written;
     * whether it stays within the documented limits (64 levels, numbers of at most 1,100
     * characters with exponents within ±100,000).
     */
    private static final class Reference {

        /** A number as written. */
        record Literal(String text) {
        }

        /** JSON {@code null} in a literal tree. */
        enum Null { NULL }

        static final int MAX_DEPTH = 64;
        static final int MAX_NUMBER_LENGTH = 1100;
        static final BigInteger MAX_EXPONENT = BigInteger.valueOf(100_000);

        final Map<String, Object> literal;
        final JsonObject object;
        final boolean withinLimits;

        private Reference(Map<String, Object> literal, JsonObject object, boolean withinLimits) {
            this.literal = literal;
            this.object = object;
            this.withinLimits = withinLimits;
        }

        /** {@code null} unless {@code text} is one JSON object. */
        static Reference of(String text) {
            Map<String, Object> literal;
            boolean[] within = {true};
            try (JsonParser parser = JSON.createParser(new StringReader(text))) {
                if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                    return null;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> top = (Map<String, Object>) read(parser, JsonParser.Event.START_OBJECT, 1, within);
                if (parser.hasNext()) {
                    return null;
                }
                literal = top;
            } catch (RuntimeException notJson) {
                return null;
            }
            if (!within[0]) {
                return new Reference(literal, null, false);
            }
            try (JsonParser parser = JSON.createParser(new StringReader(text))) {
                parser.next();
                return new Reference(literal, parser.getObject(), true);
            }
        }

        private static Object read(JsonParser parser, JsonParser.Event event, int depth, boolean[] within) {
            switch (event) {
                case START_OBJECT: {
                    within[0] &= depth <= MAX_DEPTH;
                    Map<String, Object> members = new LinkedHashMap<>();
                    for (JsonParser.Event next = parser.next(); next != JsonParser.Event.END_OBJECT;
                            next = parser.next()) {
                        String key = parser.getString();
                        members.put(key, read(parser, parser.next(), depth + 1, within));
                    }
                    return members;
                }
                case START_ARRAY: {
                    within[0] &= depth <= MAX_DEPTH;
                    List<Object> items = new ArrayList<>();
                    for (JsonParser.Event next = parser.next(); next != JsonParser.Event.END_ARRAY;
                            next = parser.next()) {
                        items.add(read(parser, next, depth + 1, within));
                    }
                    return items;
                }
                case VALUE_STRING:
                    return parser.getString();
                case VALUE_NUMBER: {
                    String number = parser.getString();
                    within[0] &= number.length() <= MAX_NUMBER_LENGTH && exponentWithin(number);
                    return new Literal(number);
                }
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NULL:
                    return Null.NULL;
                default:
                    throw new IllegalStateException("unexpected " + event);
            }
        }

        private static boolean exponentWithin(String number) {
            int e = Math.max(number.indexOf('e'), number.indexOf('E'));
            return e < 0 || new BigInteger(number.substring(e + 1).replace("+", "")).abs().compareTo(MAX_EXPONENT) <= 0;
        }
    }

    /** The name rules of PROTOCOL.md §3, as two conservative questions. */
    static final class Names {

        private Names() {
        }

        /** Whether a documented rule refuses {@code name}. */
        static boolean mustRefuse(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < name.length()
                        && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    return true;
                }
            }
            String nfc = Normalizer.normalize(name, Normalizer.Form.NFC);
            int length = nfc.codePointCount(0, nfc.length());
            if (length < 1 || length > 64) {
                return true;
            }
            if (nfc.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
                return true;
            }
            return nfc.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F
                    || c == 0x061C || (Character.getType(c) == Character.FORMAT && c != 0x200C && c != 0x200D));
        }

        /** Whether {@code name} is plainly good: 1 to 64 letters and digits (no fillers), in any normalization form. */
        static boolean mustAccept(String name) {
            if (mustRefuse(name)) {
                return false;
            }
            return Normalizer.normalize(name, Normalizer.Form.NFC).codePoints()
                    .allMatch(c -> Character.isLetterOrDigit(c)
                            && c != 0x115F && c != 0x1160 && c != 0x3164 && c != 0xFFA0);
        }
    }

    /**
     * Bytes to text as a container would, but letting an encoded surrogate ({@code ED A0 80}…)
     * through as a raw lone surrogate, so that a corpus file can hold one; other bytes that are not
     * UTF-8 become U+FFFD. And the size of text in UTF-8 as WSChat counts it (a lone surrogate as 3).
     */
    static final class Wtf8 {

        private Wtf8() {
        }

        static String decode(byte[] bytes) {
            StringBuilder text = new StringBuilder(bytes.length);
            int i = 0;
            while (i < bytes.length) {
                int b = bytes[i] & 0xff;
                int length;
                int codePoint;
                int minimum;
                if (b < 0x80) {
                    text.append((char) b);
                    i++;
                    continue;
                } else if ((b & 0xe0) == 0xc0) {
                    length = 2;
                    codePoint = b & 0x1f;
                    minimum = 0x80;
                } else if ((b & 0xf0) == 0xe0) {
                    length = 3;
                    codePoint = b & 0x0f;
                    minimum = 0x800;
                } else if ((b & 0xf8) == 0xf0) {
                    length = 4;
                    codePoint = b & 0x07;
                    minimum = 0x10000;
                } else {
                    text.append('\ufffd');
                    i++;
                    continue;
                }
                boolean valid = i + length <= bytes.length;
                for (int k = 1; valid && k < length; k++) {
                    int next = bytes[i + k] & 0xff;
                    valid = (next & 0xc0) == 0x80;
                    codePoint = (codePoint << 6) | (next & 0x3f);
                }
                if (!valid || codePoint < minimum || codePoint > Character.MAX_CODE_POINT) {
                    text.append('\ufffd');
                    i++;
                    continue;
                }
                text.appendCodePoint(codePoint);
                i += length;
            }
            return text.toString();
        }

        static long length(String text) {
            long bytes = 0;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    bytes += 1;
                } else if (c < 0x800) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 4;
                    i++;
                } else {
                    bytes += 3;
                }
            }
            return bytes;
        }
    }

    private static String type(JsonObject frame) {
        return frame.getString("type", "");
    }

    /**
     * This thread's CPU time, where the JVM can tell it: the broker does all the work of a text on
     * the sending thread (the scripted peers complete each send at once), and CPU time does not
     * count the moments a loaded machine runs something else instead.
     */
    private static long cpuTime() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : System.nanoTime();
    }

    /**
     * A whole number of zero or more as PROTOCOL.md has it ({@code 2}, {@code 2.0}, {@code 2e0}), or
     * -1; one too large for a {@code long} is a version no key ever reaches, {@link Long#MAX_VALUE}.
     */
    private static long count(JsonValue value) {
        if (!(value instanceof JsonNumber number)) {
            return -1;
        }
        BigInteger whole;
        try {
            whole = number.bigDecimalValue().toBigIntegerExact();
        } catch (ArithmeticException notWhole) {
            return -1;
        }
        return whole.signum() < 0 ? -1 : whole.min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    private static int code(JsonObject frame) {
        return frame.get("code") instanceof JsonNumber number ? number.intValue() : -1;
    }

    /** {@code text} for a failure message: Java-escaped beyond printable ASCII, cut at 600 characters. */
    static String show(String text) {
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < text.length() && shown.length() < 600; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
                shown.append(c);
            } else {
                shown.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > 0 && shown.length() >= 600) {
            shown.append("…(").append(text.length()).append(" chars)");
        }
        return shown.append('"').toString();
    }
}
