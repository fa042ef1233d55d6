package org.socialvp.wschat.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the batched-presence viewers of a connect run were told (PROTOCOL.md §15), and whether it
 * adds up. A viewer's view is the room at its 300 plus what its presence frames said since; the
 * generator does not ask for a {@code list} on arrival (that would be another load), so the check
 * is on pairs: of any two viewers of a room that filled without departures, exactly one was there
 * at the other's 300, so exactly one of them must have been told that the other joined. That
 * holds for every pair exactly when every viewer's view is the whole room. At the end one viewer
 * of each room asks for a {@code list}, which must name the room's viewers.
 */
final class PresenceViews {

    private final Map<Integer, List<String>> rooms = new HashMap<>();
    private final Map<String, Integer> roomOf = new HashMap<>();
    /** Every text frame each viewer got after its 300, as it came: read only at the end, so that the run measures the server. */
    private final Map<String, List<byte[]>> received = new HashMap<>();
    private double lastFrameMillis;

    /** {@code viewer} is identified in room {@code room}. */
    void identified(String viewer, int room) {
        rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(viewer);
        roomOf.put(viewer, room);
        received.put(viewer, new ArrayList<>());
    }

    /** A text frame to {@code viewer} after its 300, at {@code now} (the generator's milliseconds). */
    void frame(String viewer, byte[] utf8, double now) {
        received.get(viewer).add(utf8);
        lastFrameMillis = now;
    }

    /** When the last frame came, 0 if none: in a fill, the last presence frame or list answer. */
    double lastFrameMillis() {
        return lastFrameMillis;
    }

    /** The viewer of each room that asks for the {@code list}: its last. */
    Map<Integer, String> askers() {
        Map<Integer, String> askers = new HashMap<>();
        rooms.forEach((room, viewers) -> askers.put(room, viewers.get(viewers.size() - 1)));
        return askers;
    }

    /** {@code null} if every view is the whole room and every list names it; otherwise what is wrong, the first case only. */
    String mismatch() {
        Map<String, Set<String>> toldJoined = new HashMap<>();
        Map<Integer, Set<String>> listed = new HashMap<>();
        for (Map.Entry<String, List<byte[]>> viewer : received.entrySet()) {
            Set<String> view = new HashSet<>();
            toldJoined.put(viewer.getKey(), view);
            for (byte[] utf8 : viewer.getValue()) {
                JsonObject frame = Json.createReader(new StringReader(new String(utf8, StandardCharsets.UTF_8))).readObject();
                if ("presence".equals(frame.getString("type", ""))) {
                    view.addAll(names(frame, "joined"));
                    if (!frame.getJsonArray("left").isEmpty()) {
                        return viewer.getKey() + " was told of departures in a fill where nobody left: " + frame;
                    }
                } else if (frame.containsKey("names")) {
                    listed.put(roomOf.get(viewer.getKey()), new HashSet<>(names(frame, "names")));
                } else {
                    return viewer.getKey() + " got a frame that is neither presence nor a list answer: " + frame;
                }
            }
        }
        for (Map.Entry<Integer, List<String>> room : rooms.entrySet()) {
            List<String> viewers = room.getValue();
            Set<String> everyone = new HashSet<>(viewers);
            if (!everyone.equals(listed.get(room.getKey()))) {
                return "room " + room.getKey() + ": list answered " + listed.get(room.getKey()) + ", not its viewers";
            }
            for (int a = 0; a < viewers.size(); a++) {
                String first = viewers.get(a);
                Set<String> toldFirst = toldJoined.get(first);
                if (!everyone.containsAll(toldFirst)) {
                    return first + " was told of names not in its room";
                }
                for (int b = a + 1; b < viewers.size(); b++) {
                    String second = viewers.get(b);
                    int told = (toldFirst.contains(second) ? 1 : 0) + (toldJoined.get(second).contains(first) ? 1 : 0);
                    if (told != 1) {
                        return first + " and " + second + ": " + (told == 0 ? "neither was" : "both were")
                                + " told of the other";
                    }
                }
            }
        }
        return null;
    }

    private static List<String> names(JsonObject frame, String key) {
        return frame.getJsonArray(key).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
