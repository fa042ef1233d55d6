package org.socialvp.wschat.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.socialvp.wschat.outbox.Frame;
import org.socialvp.wschat.protocol.Event;

/**
 * One room's presence for the viewers that asked for it in batches (PROTOCOL.md §15): the joins
 * and departures since the last batch, turned — every {@code wschat.presenceBatchMillis}, or
 * sooner when order needs it — into one presence frame per viewer. The viewers that were there at
 * the last batch all get the same frame, encoded once; one that arrived since gets the changes
 * after its arrival only (the room as it was at its 300 is its starting point). A name that left
 * and came back within one batch, or came and went, is in neither list.
 *
 * <p><b>Threads.</b> Changes come from any connection's read thread, batches from the presence
 * timer or from a sender's thread; all under this object's lock, which only queues frames
 * ({@link Delivery.Batch}): they are sent after it is let go. A room without batched viewers
 * records nothing.
 */
final class PresenceLog {

    /**
     * A room of fewer than twice this many batched viewers has its batch on every tick of the
     * presence timer; a larger one on every n-th tick, n its batched viewers in thousands — a room
     * of 5,000 every 1.25 s at the default 250 ms. One batch is one frame to each of them, so a
     * premiere room sends at most about four thousand presence frames a second, however many arrive
     * (the names they carry are the same either way, in fewer, larger frames). §15 bounds how often
     * a viewer is sent presence, not how seldom.
     */
    static final int VIEWERS_PER_TICK = 1000;

    private record Change(String name, boolean joined) {
    }

    private final List<Change> changes = new ArrayList<>();
    /**
     * Batched viewers that arrived, or were answered a {@code list}, since the last batch: where
     * the changes start for them.
     */
    private final Map<Client, Integer> arrivals = new HashMap<>();
    /** Names whose arrival the batched viewers have not been told yet: a frame from one must wait. */
    private final Set<String> untold = new HashSet<>();
    /**
     * How many viewers hold each name as the changes recorded so far have it — a count, as one
     * viewer's release of a name and another's claim of it may be recorded in either order. Kept
     * whether or not batched viewers are there: it is what {@code list} answers them, so that the
     * next batch applies to the answer exactly (the room's own map runs ahead of the changes
     * recorded here, by the claims and releases whose change is still on its way).
     */
    private final Map<String, Integer> holders = new HashMap<>();
    /**
     * The room's batched viewers, from the step that records their arrival on: those, and only
     * those, get presence frames (a viewer whose name is claimed but whose arrival is not yet
     * recorded must not get a batch of changes from before it came). Changes are recorded only
     * while there is one.
     */
    private final Set<Client> batched = ConcurrentHashMap.newKeySet(); // concurrent only so that its size can be read without the lock

    /** Whether changes wait for a batch; read without the lock on the message path. */
    private volatile boolean pending;
    /** Ticks of the presence timer since the last batch, while changes waited. */
    private int ticksWaited;

    /** {@code name} joined ({@code true}) or left the room. */
    synchronized void changed(String name, boolean joined) {
        holders.merge(name, joined ? 1 : -1, (held, change) -> held + change == 0 ? null : held + change);
        if (batched.isEmpty()) {
            return;
        }
        changes.add(new Change(name, joined));
        if (joined) {
            untold.add(name);
        } else {
            untold.remove(name);
        }
        pending = true;
    }

    /**
     * {@code viewer}, with batched presence, took its first name, {@code name}: its join is
     * recorded and its view starts right after it, in one step (a batch in between would tell it
     * of names it already found in the room).
     */
    synchronized void arrived(Client viewer, String name) {
        changed(name, true);
        batched.add(viewer);
        arrivals.put(viewer, changes.size());
    }

    /** A batched viewer left the room for good. */
    synchronized void departed(Client viewer) {
        batched.remove(viewer);
        arrivals.remove(viewer);
    }

    /** A batched viewer's session moved from connection {@code from} to {@code to} (a resume): its view goes on there. */
    synchronized void moved(Client from, Client to) {
        if (batched.remove(from)) {
            batched.add(to);
            Integer arrival = arrivals.remove(from);
            if (arrival != null) {
                arrivals.put(to, arrival);
            }
        }
    }

    /** How many of the room's viewers take presence in batches (a moment's figure, without the lock). */
    int batchedCount() {
        return batched.size();
    }

    /** Whether {@code viewer} is one of the {@link #batchedCount} (a moment's figure, without the lock). */
    boolean isBatched(Client viewer) {
        return viewer != null && batched.contains(viewer);
    }

    /** Whether a frame from {@code name} must wait for a batch that tells its arrival first. */
    boolean mustAnnounce(String name) {
        if (!pending) {
            return false;
        }
        synchronized (this) {
            return untold.contains(name);
        }
    }

    /** Whether changes wait for a batch. */
    boolean pending() {
        return pending;
    }

    /**
     * A tick of the presence timer: whether the batch is due now — changes wait, and the room has
     * waited its number of ticks ({@link #VIEWERS_PER_TICK}).
     */
    synchronized boolean dueOnTick() {
        if (!pending) {
            return false;
        }
        ticksWaited++;
        return ticksWaited >= Math.max(1, batched.size() / VIEWERS_PER_TICK);
    }

    /** Queues on {@code out} every batched viewer's presence frame, if it has news, and starts a new batch. */
    synchronized void flush(Frames frames, Delivery.Batch out) {
        if (!pending) {
            return;
        }
        Frames.PresenceFrames presenceFrames = frames.presenceFrames();
        NetChanges net = new NetChanges();
        Event.PresenceBatch everyone = net.since(0);
        Frame.Encoded shared = everyone == null ? null : presenceFrames.of(everyone);
        for (Client viewer : batched) {
            Integer arrival = arrivals.get(viewer);
            if (arrival == null) {
                if (shared != null) {
                    out.to(viewer, shared);
                }
            } else {
                Event.PresenceBatch news = net.since(arrival);
                if (news != null) {
                    out.to(viewer, presenceFrames.of(news));
                }
            }
        }
        changes.clear();
        arrivals.clear();
        untold.clear();
        pending = false;
        ticksWaited = 0;
    }

    /**
     * The answer to batched viewer {@code asker}'s {@code list}, queued on {@code out}: the room's
     * names as the recorded changes have them ({@code names} instead, if the cluster's directory
     * gave them), sorted. From then on the asker's view starts at the answer, as a newcomer's starts
     * at its 300: its next presence frame tells only what changed after it, so that applying it to
     * the answer gives the room exactly. The batch stays pending for everyone else: in a filling
     * room a list costs one frame, not one to every batched viewer. Under this lock, so that no
     * batch can come between the answer and the new starting point.
     */
    synchronized void list(Frames frames, Delivery.Batch out, Client asker, List<String> names) {
        List<String> answer = names;
        if (answer == null) {
            answer = new ArrayList<>();
            for (Map.Entry<String, Integer> held : holders.entrySet()) {
                if (held.getValue() > 0) {
                    answer.add(held.getKey());
                }
            }
            answer.sort(null);
        }
        if (batched.contains(asker)) {
            arrivals.put(asker, changes.size());
        }
        out.to(asker, frames.encode(new Event.NameList(answer)));
    }

    /**
     * The net effect of this batch's changes from any one of them on, for a flush: each viewer's
     * frame holds the changes since its arrival, so this reads the changes once and then answers each
     * viewer in one pass over its part of them (a room that fills within one batch has n of them,
     * one per newcomer). Under the lock, as {@link #flush} is.
     */
    private final class NetChanges {

        /** For each change, the index of the previous change of the same name in the batch, -1 if none. */
        private final int[] previous;
        /** For each change, whether its name is in the room after the batch's last change of it. */
        private final boolean[] presentAfter;

        NetChanges() {
            int count = changes.size();
            previous = new int[count];
            presentAfter = new boolean[count];
            Map<String, Integer> lastChange = new HashMap<>();
            for (int i = 0; i < count; i++) {
                Integer before = lastChange.put(changes.get(i).name(), i);
                previous[i] = before == null ? -1 : before;
            }
            for (int i = 0; i < count; i++) {
                presentAfter[i] = changes.get(lastChange.get(changes.get(i).name())).joined();
            }
        }

        /**
         * The changes from {@code from} on, as one frame says them: for each name, in the order of its
         * first change there, present before that change (it was a departure) against present after
         * its last; {@code null} if nothing changed.
         */
        Event.PresenceBatch since(int from) {
            List<String> joined = new ArrayList<>();
            List<String> left = new ArrayList<>();
            for (int i = from; i < previous.length; i++) {
                if (previous[i] >= from) {
                    continue; // not the name's first change from there on
                }
                Change first = changes.get(i);
                if (first.joined() && presentAfter[i]) {
                    joined.add(first.name());
                } else if (!first.joined() && !presentAfter[i]) {
                    left.add(first.name());
                }
            }
            return joined.isEmpty() && left.isEmpty() ? null : new Event.PresenceBatch(joined, left);
        }
    }
}
