package org.socialvp.wschat.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What this server's names are, and which changes the others could not hear while Redis was
 * away: the bookkeeping behind converging after an outage, with no Redis in it.
 *
 * <p>Not thread-safe: {@link RedisCluster} keeps it on its one Redis thread.
 */
final class OutageLedger {

    /** The names this server's viewers hold: claimed again after an outage. */
    private final Set<RoomName> held = new HashSet<>();
    /** Claimed while Redis could not hear it: announced ({@code join}) to the others afterwards. */
    private final Set<RoomName> unheardClaims = new HashSet<>();
    /** Given up while Redis could not hear it: released and announced ({@code quit}) afterwards. */
    private final Set<RoomName> unheardReleases = new HashSet<>();

    /**
     * What to do once Redis answers again.
     *
     * @param release names to release in Redis and announce as gone to the others
     * @param reclaim every name held here, to claim again (Redis may have restarted empty)
     * @param announce of those, the ones the others must be told of again ({@code join})
     */
    record Plan(List<RoomName> release, List<RoomName> reclaim, Set<RoomName> announce) {
    }

    /** A viewer here now holds {@code name}; {@code heard}: whether Redis recorded the claim. */
    void claimed(RoomName name, boolean heard) {
        held.add(name);
        if (!heard) {
            unheardClaims.add(name);
        }
    }

    /** A viewer here gave up {@code name}; {@code heard}: whether Redis recorded the release. */
    void released(RoomName name, boolean heard) {
        held.remove(name);
        if (!heard && !unheardClaims.remove(name)) {
            unheardReleases.add(name); // the others knew of it: they must hear it is gone
        }
    }

    /**
     * The plan for converging; once it has been carried out, {@link #converged} starts the ledger
     * afresh (if Redis fails half-way, the next plan still holds everything).
     *
     * @param reaped whether the others gave this server up for dead meanwhile (and told their
     *        viewers {@code quit} for all its names): then every held name is announced again
     */
    Plan plan(boolean reaped) {
        List<RoomName> release = new ArrayList<>();
        for (RoomName gone : unheardReleases) {
            if (!held.contains(gone)) {
                release.add(gone);
            }
        }
        Set<RoomName> announce = new HashSet<>(reaped ? held : unheardClaims);
        announce.retainAll(held);
        return new Plan(release, new ArrayList<>(held), announce);
    }

    /** The plan was carried out: the others know everything now. */
    void converged() {
        unheardReleases.clear();
        unheardClaims.clear();
    }
}
