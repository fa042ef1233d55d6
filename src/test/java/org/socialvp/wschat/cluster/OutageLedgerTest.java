package org.socialvp.wschat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bookkeeping of what the other servers missed while Redis was away. */
class OutageLedgerTest {

    private static final RoomName ALICE = new RoomName("party", "alice");
    private static final RoomName BOB = new RoomName("party", "bob");
    private static final RoomName CAROL = new RoomName("other", "carol");

    private final OutageLedger ledger = new OutageLedger();

    @Test
    void withNothingMissedConvergingReclaimsTheHeldNamesAndAnnouncesNone() {
        ledger.claimed(ALICE, true);
        ledger.claimed(BOB, true);
        OutageLedger.Plan plan = ledger.plan(false);
        assertEquals(Set.of(ALICE, BOB), new HashSet<>(plan.reclaim()), "Redis may have restarted empty");
        assertEquals(List.of(), plan.release());
        assertEquals(Set.of(), plan.announce());
    }

    @Test
    void aClaimMadeWhileRedisWasAwayIsAnnounced() {
        ledger.claimed(ALICE, true);
        ledger.claimed(BOB, false);
        OutageLedger.Plan plan = ledger.plan(false);
        assertEquals(Set.of(BOB), plan.announce());
        assertEquals(Set.of(ALICE, BOB), new HashSet<>(plan.reclaim()));
    }

    @Test
    void aReleaseNotHeardIsReleasedAndAnnounced() {
        ledger.claimed(ALICE, true);
        ledger.released(ALICE, false);
        OutageLedger.Plan plan = ledger.plan(false);
        assertEquals(List.of(ALICE), plan.release());
        assertEquals(List.of(), plan.reclaim());
    }

    @Test
    void aNameClaimedAndGivenUpWhileAwayIsNeverMentioned() {
        ledger.claimed(CAROL, false);
        ledger.released(CAROL, false);
        OutageLedger.Plan plan = ledger.plan(false);
        assertEquals(List.of(), plan.release(), "the others never heard of it");
        assertEquals(Set.of(), plan.announce());
        assertEquals(List.of(), plan.reclaim());
    }

    @Test
    void aNameGivenUpUnheardThenTakenBackIsKept() {
        ledger.claimed(ALICE, true);
        ledger.released(ALICE, false);
        ledger.claimed(ALICE, false);
        OutageLedger.Plan plan = ledger.plan(false);
        assertEquals(List.of(), plan.release(), "held again: not released");
        assertEquals(List.of(ALICE), plan.reclaim());
    }

    @Test
    void aServerReapedWhileCutOffAnnouncesEveryNameItHolds() {
        ledger.claimed(ALICE, true);
        ledger.claimed(BOB, true);
        ledger.claimed(CAROL, true);
        ledger.released(CAROL, true);
        OutageLedger.Plan plan = ledger.plan(true);
        assertEquals(Set.of(ALICE, BOB), plan.announce(), "the others told their viewers quit for all of them");
    }

    @Test
    void aConvergedLedgerStartsAfreshButAFailedOneKeepsEverything() {
        ledger.claimed(BOB, false);
        ledger.plan(false); // Redis failed half-way: not converged
        assertEquals(Set.of(BOB), ledger.plan(false).announce(), "still owed");
        ledger.converged();
        assertEquals(Set.of(), ledger.plan(false).announce());
        assertEquals(List.of(BOB), ledger.plan(false).reclaim(), "still held");
    }
}
