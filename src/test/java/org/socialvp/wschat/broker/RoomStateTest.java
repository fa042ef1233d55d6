package org.socialvp.wschat.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socialvp.wschat.protocol.Event;

/** Versions, compare-and-set and limits of a room's state, on their own. */
class RoomStateTest {

    private static final JsonProvider JSON = JsonProvider.provider();

    private final RoomState state = new RoomState();
    private final List<Event.State> published = new ArrayList<>();

    private RoomState.Outcome write(String key, String valueJson, Long ifVersion) {
        return write(key, valueJson, ifVersion, 32, 65536);
    }

    private RoomState.Outcome write(String key, String valueJson, Long ifVersion, int maxKeys, long maxBytes) {
        return state.write(key, value(valueJson), ifVersion, "alice", false, 1000, maxKeys, maxBytes, published::add);
    }

    private static JsonValue value(String json) {
        return JSON.createReader(new StringReader("[" + json + "]")).readArray().get(0);
    }

    @Test
    void everyWriteGivesTheKeyItsNextVersionAndDeletesCountToo() {
        assertEquals(1, ((RoomState.Written) write("playback", "{\"playing\":true}", null)).state().version());
        assertEquals(2, ((RoomState.Written) write("playback", "{\"playing\":false}", null)).state().version());
        assertEquals(3, ((RoomState.Written) write("playback", "null", null)).state().version(), "a delete");
        assertEquals(4, ((RoomState.Written) write("playback", "1", null)).state().version(), "never back");
        assertEquals(1, ((RoomState.Written) write("other", "1", null)).state().version(), "per key");
        assertEquals(5, published.size(), "every write is published");
    }

    @Test
    void compareAndSetAppliesOnlyAtTheGivenVersion() {
        assertEquals(1, ((RoomState.Written) write("k", "\"a\"", 0L)).state().version(), "0: never set");
        RoomState.Outcome lost = write("k", "\"b\"", 0L);
        assertEquals(1, ((RoomState.Changed) lost).current());
        assertEquals(2, ((RoomState.Written) write("k", "\"b\"", 1L)).state().version());
        assertEquals(2, published.size(), "a failed write publishes nothing");
    }

    @Test
    void aNewcomerGetsEveryKeyThatHasAValueAsLastWritten() {
        write("playback", "{\"at\":1}", null);
        write("video", "\"film.webm\"", null);
        write("gone", "1", null);
        write("gone", "null", null);
        List<Event.State> snapshot = state.snapshot();
        assertEquals(2, snapshot.size());
        assertTrue(snapshot.stream().anyMatch(s -> s.key().equals("video") && s.version() == 1
                && s.from().equals("alice") && s.time() == 1000));
    }

    @Test
    void deletedKeysDoNotCountAgainstTheKeyLimit() {
        assertInstanceOf(RoomState.Written.class, write("a", "1", null, 2, 65536));
        assertInstanceOf(RoomState.Written.class, write("b", "1", null, 2, 65536));
        RoomState.TooLarge refused = (RoomState.TooLarge) write("c", "1", null, 2, 65536);
        assertEquals("Too many state keys: at most 2", refused.why());
        assertInstanceOf(RoomState.Written.class, write("a", "2", null, 2, 65536), "an existing key may change");
        write("a", "null", null, 2, 65536);
        assertInstanceOf(RoomState.Written.class, write("c", "1", null, 2, 65536), "a's place is free");
    }

    @Test
    void theWholeStateIsMeasuredAsOneJsonObject() {
        // {"k":"xxxxxxxxxx"} is 18 bytes
        assertInstanceOf(RoomState.Written.class, write("k", "\"xxxxxxxxxx\"", null, 32, 18));
        assertEquals(18, state.size());
        RoomState.TooLarge refused = (RoomState.TooLarge) write("j", "1", null, 32, 18);
        assertEquals("Room state too large: at most 18 bytes", refused.why());
        // {"k":"xxxxxxxxxx","j":1} = 24
        assertInstanceOf(RoomState.Written.class, write("j", "1", null, 32, 24));
        assertEquals(24, state.size());
        assertInstanceOf(RoomState.Written.class, write("k", "null", null, 32, 24), "a delete always passes");
        assertEquals(7, state.size(), "{\"j\":1}");
        assertNull(state.snapshot().stream().filter(s -> s.key().equals("k")).findAny().orElse(null));
    }

    @Test
    void aRoomCannotBeMadeToRememberUnboundedDeletedKeys() {
        for (int i = 0; i < RoomState.REMEMBERED_DELETED_KEYS; i++) {
            write("key" + i, "1", null);
            write("key" + i, "null", null);
        }
        assertInstanceOf(RoomState.TooLarge.class, write("one-more", "1", null));
        assertInstanceOf(RoomState.Written.class, write("key7", "1", null), "a remembered key may come back");
    }
}
