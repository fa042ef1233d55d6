package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.protocol.Event;

/**
 * The presence frames put together by hand are the encoder's own frames, to the character,
 * whatever the names hold (even a lone surrogate, which no name of this server has).
 */
class FramesTest {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final List<String> AWKWARD_NAMES = List.of(
            "alice", "say \"hi\"", "back\\slash", "a/b", "</script>", "é", "e\u0301", "👍🏽", "👩‍👩‍👧",
            "名前", "lone\ud800surrogate", "'single'", "{\"json\":true}", "x".repeat(64));

    private final Frames frames = new Frames(JSON);

    @AfterEach
    void close() {
        frames.close();
    }

    @Test
    void aBatchOfAwkwardNamesIsWhatTheEncoderWrites() {
        List<String> reversed = new ArrayList<>(AWKWARD_NAMES);
        Collections.reverse(reversed);
        Event.PresenceBatch batch = new Event.PresenceBatch(AWKWARD_NAMES, reversed);
        assertEquals(frames.encode(batch).text(), frames.presenceFrames().of(batch).text());
    }

    @Test
    void emptyAndSingleListsAreWhatTheEncoderWrites() {
        Frames.PresenceFrames presenceFrames = frames.presenceFrames();
        for (Event.PresenceBatch batch : List.of(
                new Event.PresenceBatch(List.of(), List.of()),
                new Event.PresenceBatch(List.of("alice"), List.of()),
                new Event.PresenceBatch(List.of(), List.of("bob")),
                new Event.PresenceBatch(List.of("alice", "carol"), List.of("bob")))) {
            assertEquals(frames.encode(batch).text(), presenceFrames.of(batch).text(), batch.toString());
        }
    }

    @Test
    void oneWriterServesManyFramesOfTheSameNames() {
        Frames.PresenceFrames presenceFrames = frames.presenceFrames();
        for (int from = 0; from < AWKWARD_NAMES.size(); from++) {
            Event.PresenceBatch suffix = new Event.PresenceBatch(AWKWARD_NAMES.subList(from, AWKWARD_NAMES.size()), List.of());
            String text = presenceFrames.of(suffix).text();
            assertEquals(frames.encode(suffix).text(), text);
            JsonObject parsed = JSON.createReader(new StringReader(text)).readObject();
            assertEquals("presence", parsed.getString("type"));
            assertEquals(suffix.joined(), parsed.getJsonArray("joined").getValuesAs(JsonString::getString));
        }
    }
}
