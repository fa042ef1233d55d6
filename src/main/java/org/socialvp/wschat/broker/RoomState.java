package org.socialvp.wschat.broker;

import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.socialvp.wschat.outbox.Utf8;
import org.socialvp.wschat.protocol.Event;

/**
 * A room's shared state (PROTOCOL.md §10): keys with a JSON value each, a version per key that
 * only goes up (a delete counts, and the versions of deleted keys are remembered while the room
 * lives), compare-and-set on the version, and the room's limits: live keys, and the UTF-8 size of
 * the JSON object of every key and value.
 *
 * <p><b>Threads.</b> Writers come from any connection's read thread; every write, and the hand-out
 * of its {@code state} frame to the room, happens under this object's lock, so that every viewer
 * gets the writes of a key in version order. The hand-out only queues frames (see
 * {@link Delivery.Batch}); nothing is sent under the lock. The storage is this one class, so that
 * a cluster can keep the same entries, versions and compare-and-set in Redis (docs/SCALE-OUT.md).
 */
final class RoomState {

    /**
     * Keys written in a room that are remembered beyond the live ones: a client cannot make a room
     * remember unbounded deleted keys.
     */
    static final int REMEMBERED_DELETED_KEYS = 1024;

    /** One key as last written (a deleted one with a JSON {@code null} value); {@code bytes}: its {@code "key":value} size. */
    private record Entry(Event.State written, int bytes) {

        boolean live() {
            return written.value().getValueType() != JsonValue.ValueType.NULL;
        }

        long version() {
            return written.version();
        }
    }

    /** What became of a write. */
    sealed interface Outcome permits Written, Changed, TooLarge {
    }

    /** Applied: the new version. */
    record Written(Event.State state) implements Outcome {
    }

    /** Compare-and-set failed: the key is at {@code current}. */
    record Changed(long current) implements Outcome {
    }

    /** Over a limit; {@code why} says which. */
    record TooLarge(String why) implements Outcome {
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private int liveKeys;
    /** The sum of the live entries' {@code "key":value} sizes. */
    private long entryBytes;

    /**
     * Writes {@code key} (deletes it if {@code value} is JSON {@code null}) if its version is
     * {@code ifVersion} (any version if {@code null}) and the limits hold; the {@code state} event
     * of a write goes to {@code publish} before the lock is let go.
     *
     * @param byServer whether the site's backend writes it (the API), not a viewer
     */
    synchronized Outcome write(String key, JsonValue value, Long ifVersion, String from, boolean byServer, long now,
            int maxKeys, long maxBytes, Consumer<Event.State> publish) {
        Entry old = entries.get(key);
        long current = old == null ? 0 : old.version();
        if (ifVersion != null && ifVersion != current) {
            return new Changed(current);
        }
        boolean wasLive = old != null && old.live();
        boolean deleting = value.getValueType() == JsonValue.ValueType.NULL;
        int bytes = deleting ? 0 : entrySize(key, value);
        int keysAfter = liveKeys - (wasLive ? 1 : 0) + (deleting ? 0 : 1);
        long bytesAfter = entryBytes - (wasLive ? old.bytes() : 0) + bytes;
        if (!deleting && !wasLive && keysAfter > maxKeys) {
            return new TooLarge("Too many state keys: at most " + maxKeys);
        }
        if (!deleting && objectSize(keysAfter, bytesAfter) > maxBytes) {
            return new TooLarge("Room state too large: at most " + maxBytes + " bytes");
        }
        if (old == null && entries.size() - liveKeys >= REMEMBERED_DELETED_KEYS) {
            return new TooLarge("Too many state keys written in this room: at most "
                    + REMEMBERED_DELETED_KEYS + " deleted ones are remembered");
        }
        Event.State state = new Event.State(key, value, current + 1, from, now, Event.byServer(byServer));
        entries.put(key, new Entry(state, bytes));
        liveKeys = keysAfter;
        entryBytes = bytesAfter;
        publish.accept(state);
        return new Written(state);
    }

    /**
     * Runs {@code claim}, a newcomer taking its name, under this state's lock, and returns every key
     * that has a value as it stood then; {@code null} if the claim failed. A write comes wholly
     * before the claim (it is in the answer; its frame went to the room without the newcomer) or
     * wholly after (its frame reaches the newcomer), so the newcomer gets each write once.
     */
    synchronized List<Event.State> snapshotAt(BooleanSupplier claim) {
        return claim.getAsBoolean() ? snapshot() : null;
    }

    /** Every key that has a value, as {@code state} events. */
    synchronized List<Event.State> snapshot() {
        List<Event.State> states = new ArrayList<>();
        entries.values().forEach(entry -> {
            if (entry.live()) {
                states.add(entry.written());
            }
        });
        return states;
    }

    /** The UTF-8 size of the JSON object of every live key and value. */
    synchronized long size() {
        return objectSize(liveKeys, entryBytes);
    }

    /**
     * {@code "key":value} in UTF-8 bytes. A key follows the name rules, so it holds no control
     * character and no lone surrogate: quoting it only escapes {@code "} and {@code \}.
     */
    private static int entrySize(String key, JsonValue value) {
        int escapes = 0;
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '"' || c == '\\') {
                escapes++;
            }
        }
        return 2 + Utf8.length(key) + escapes + 1 + Utf8.length(value.toString());
    }

    /** {@code {} } around the entries, with a comma between each two. */
    private static long objectSize(int keys, long entries) {
        return 2 + entries + Math.max(0, keys - 1);
    }
}
