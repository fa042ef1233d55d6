package org.socialvp.wschat.broker;

import jakarta.json.JsonValue;
import org.socialvp.wschat.config.Settings;
import org.socialvp.wschat.outbox.Frame;

/**
 * Writing one key of a room's state (PROTOCOL.md §10), by a viewer or by the site's backend:
 * everyone in the room gets the {@code state} frame, the writer too. The frames of one room's
 * writes reach everyone in version order: they are queued while the state is locked and sent
 * after; then they go to the room's viewers on the other servers.
 */
final class StateWrites {

    private final Settings settings;
    private final Frames frames;
    private final Delivery delivery;
    private final Metrics metrics;

    StateWrites(Settings settings, Frames frames, Delivery delivery, Metrics metrics) {
        this.settings = settings;
        this.frames = frames;
        this.delivery = delivery;
        this.metrics = metrics;
    }

    /**
     * @param ifVersion the version the key must be at, {@code null} for any
     * @param byServer whether the site's backend writes (the frame then says {@code "server":true})
     */
    RoomState.Outcome write(Room room, String key, JsonValue value, Long ifVersion, String from, boolean byServer) {
        Delivery.Batch batch = delivery.batch();
        Frame.Encoded[] published = new Frame.Encoded[1];
        RoomState.Outcome outcome = room.state().write(key, value, ifVersion, from, byServer,
                System.currentTimeMillis(), settings.maxStateKeys(), settings.maxStateBytes(), written -> {
                    published[0] = frames.encode(written);
                    batch.toRoom(room, published[0]);
                });
        batch.send();
        if (outcome instanceof RoomState.Written) {
            metrics.stateWrites.increment();
            delivery.toOtherServers(room.name(), published[0]);
        }
        return outcome;
    }
}
