package one.flowmade.aether.verification.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import one.flowmade.aether.verification.history.AppliedEvent;
import one.flowmade.aether.verification.history.FinalState;
import one.flowmade.aether.verification.history.ProjectionHistory;
import one.flowmade.aether.verification.history.ProjectionHistory.Effects;
import one.flowmade.aether.verification.history.StoredEvent;
import org.junit.jupiter.api.Test;

/**
 * The projection checks on hand-made histories: actor {@code x} (v1..v3) in partition 0 and
 * {@code y} (v1..v2) in partition 1, applied by nodes {@code n1} and {@code n2}.
 */
final class ProjectionCheckerTest {

  private static final FinalState STORED = FinalState.of(
      new StoredEvent("x", 1, "x1", 1), new StoredEvent("y", 1, "y1", 2),
      new StoredEvent("x", 2, "x2", 3), new StoredEvent("x", 3, "x3", 4),
      new StoredEvent("y", 2, "y2", 5));

  private static AppliedEvent applied(long seq, String eventId, int partition, long epoch,
      String process) {
    StoredEvent e = STORED.events().stream().filter(s -> s.eventId().equals(eventId))
        .findFirst().orElseThrow();
    return new AppliedEvent(seq, eventId, e.actorId(), e.version(), e.position(), partition,
        epoch, process.substring(0, process.indexOf('#')), process);
  }

  private static CheckReport check(Effects effects, AppliedEvent... applied) {
    Map<String, Long> counts = new HashMap<>();
    for (AppliedEvent a : applied) {
      counts.merge(a.eventId(), 1L, Long::sum);
    }
    return ProjectionChecker.check(new ProjectionHistory(effects, List.of(applied), counts,
        STORED));
  }

  /** Every application once, x handed over from n1 (epoch 3) to n2 (epoch 5) between v1 and v2. */
  private static AppliedEvent[] clean() {
    return new AppliedEvent[] {
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 5, "n2#1"), applied(4, "x3", 0, 5, "n2#1"),
        applied(5, "y2", 1, 4, "n2#1")};
  }

  @Test
  void check_everyEventOnceInOrder_isValid() {
    CheckReport report = check(Effects.EXACTLY_ONCE, clean());

    report.assertValid();
    assertThat(report.describe()).contains("5 stored events of 2 actors", "no violations");
  }

  @Test
  void check_atLeastOnceReplayAfterACrash_isValid() {
    // n1 applied x1 and x2 in epoch 3, crashed before committing x2; n2 resumes after x1.
    CheckReport report = check(Effects.AT_LEAST_ONCE,
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "x2", 0, 3, "n1#1"),
        applied(3, "y1", 1, 4, "n2#1"), applied(4, "x2", 0, 5, "n2#1"),
        applied(5, "x3", 0, 5, "n2#1"), applied(6, "y2", 1, 4, "n2#1"));

    report.assertValid();
  }

  @Test
  void check_atLeastOnceUnitRetriedInTheSameEpoch_isValid_butNotWithExactlyOnceEffects() {
    // n1's commit of x1..x2 failed (checkpoint store away); it applies the unit again.
    AppliedEvent[] retried = List.of(applied(1, "x1", 0, 3, "n1#1"),
        applied(2, "x2", 0, 3, "n1#1"), applied(3, "x1", 0, 3, "n1#1"),
        applied(4, "x2", 0, 3, "n1#1"), applied(5, "x3", 0, 3, "n1#1"),
        applied(6, "y1", 1, 4, "n2#1"), applied(7, "y2", 1, 4, "n2#1"))
        .toArray(AppliedEvent[]::new);

    check(Effects.AT_LEAST_ONCE, retried).assertValid();
    assertThat(check(Effects.EXACTLY_ONCE, retried).counts())
        .containsKeys(Check.PROJECTION_ORDER, Check.PROJECTION_APPLIED_TWICE);
  }

  @Test
  void check_restartedNodeInTheSameEpoch_isOneOwner() {
    CheckReport report = check(Effects.EXACTLY_ONCE,
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 3, "n1#2"), applied(4, "x3", 0, 3, "n1#2"),
        applied(5, "y2", 1, 4, "n2#1"));

    report.assertValid();
  }

  @Test
  void check_eventAppliedTwiceWithExactlyOnceEffects_isReported() {
    AppliedEvent[] twice = List.of(applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 3, "n1#1"), applied(4, "x2", 0, 5, "n2#1"),
        applied(5, "x3", 0, 5, "n2#1"), applied(6, "y2", 1, 4, "n2#1"))
        .toArray(AppliedEvent[]::new);

    CheckReport exactly = check(Effects.EXACTLY_ONCE, twice);
    CheckReport atLeast = check(Effects.AT_LEAST_ONCE, twice);

    assertThat(exactly.counts()).containsKey(Check.PROJECTION_APPLIED_TWICE);
    assertThat(exactly.violations().get(0).summary()).contains("x2", "counted 2 times");
    atLeast.assertValid();
  }

  @Test
  void check_countTableSaysTwiceButOneRecord_isReported() {
    AppliedEvent[] once = clean();
    Map<String, Long> counts = new HashMap<>();
    for (AppliedEvent a : once) {
      counts.put(a.eventId(), 1L);
    }
    counts.put("y2", 2L);

    CheckReport report = ProjectionChecker.check(new ProjectionHistory(Effects.EXACTLY_ONCE,
        List.of(once), counts, STORED));

    assertThat(report.counts()).containsOnlyKeys(Check.PROJECTION_APPLIED_TWICE);
  }

  @Test
  void check_storedEventNeverApplied_isReported() {
    CheckReport report = check(Effects.AT_LEAST_ONCE,
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 5, "n2#1"), applied(4, "y2", 1, 4, "n2#1"));

    assertThat(report.counts()).containsOnlyKeys(Check.PROJECTION_NOT_APPLIED);
    assertThat(report.describe()).contains("x3", "counted 0 times");
  }

  @Test
  void check_versionsOutOfOrderInOneEpoch_isReported() {
    CheckReport report = check(Effects.AT_LEAST_ONCE,
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "x3", 0, 3, "n1#1"),
        applied(3, "x2", 0, 3, "n1#1"), applied(4, "y1", 1, 4, "n2#1"),
        applied(5, "y2", 1, 4, "n2#1"));

    assertThat(report.counts()).containsOnlyKeys(Check.PROJECTION_ORDER);
    assertThat(report.describe()).contains("v3 was applied (epoch 3 of partition 0) before v2");
  }

  @Test
  void check_versionGoingBackAcrossEpochsWithExactlyOnceEffects_isReported() {
    // Each event once, but x2 committed by the new owner before x1... by the old one's replay.
    CheckReport report = check(Effects.EXACTLY_ONCE,
        applied(1, "x2", 0, 3, "n1#1"), applied(2, "x1", 0, 5, "n2#1"),
        applied(3, "x3", 0, 5, "n2#1"), applied(4, "y1", 1, 4, "n2#1"),
        applied(5, "y2", 1, 4, "n2#1"));

    assertThat(report.counts()).containsOnlyKeys(Check.PROJECTION_ORDER);
  }

  @Test
  void check_twoNodesInOneEpochOfAPartition_isReported() {
    CheckReport report = check(Effects.EXACTLY_ONCE,
        applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 3, "n2#1"), applied(4, "x3", 0, 3, "n2#1"),
        applied(5, "y2", 1, 4, "n2#1"));

    assertThat(report.counts()).containsOnlyKeys(Check.PROJECTION_TWO_OWNERS);
    assertThat(report.describe()).contains("partition 0 epoch 3 was applied by nodes [n1, n2]");
  }

  @Test
  void check_staleOwnerCommittingAfterANewerEpoch_isReported() {
    // n1 (epoch 3) commits x3 after n2 took partition 0 over in epoch 5 and committed x2.
    AppliedEvent[] stale = List.of(applied(1, "x1", 0, 3, "n1#1"), applied(2, "y1", 1, 4, "n2#1"),
        applied(3, "x2", 0, 5, "n2#1"), applied(4, "x3", 0, 3, "n1#1"),
        applied(5, "y2", 1, 4, "n2#1")).toArray(AppliedEvent[]::new);

    assertThat(check(Effects.EXACTLY_ONCE, stale).counts())
        .containsOnlyKeys(Check.PROJECTION_STALE_OWNER);
    check(Effects.AT_LEAST_ONCE, stale).assertValid();
  }

  @Test
  void check_applicationNotAsStored_isReported() {
    AppliedEvent[] wrong = clean();
    AppliedEvent a = wrong[2];
    wrong[2] = new AppliedEvent(a.seq(), a.eventId(), a.actorId(), 7, a.position(), a.partition(),
        a.epoch(), a.node(), a.process());
    Map<String, Long> counts = new HashMap<>(Map.of("x1", 1L, "y1", 1L, "x2", 1L, "x3", 1L,
        "y2", 1L, "ghost", 1L));

    CheckReport report = ProjectionChecker.check(new ProjectionHistory(Effects.EXACTLY_ONCE,
        List.of(wrong), counts, STORED));

    assertThat(report.violations()).filteredOn(v -> v.check() == Check.PROJECTION_UNEXPLAINED_APPLY)
        .hasSize(2);
    assertThatThrownBy(report::assertValid).isInstanceOf(AssertionError.class)
        .hasMessageContaining("ghost");
  }

  @Test
  void check_actorInTwoPartitions_isReported() {
    AppliedEvent[] moved = clean();
    AppliedEvent a = moved[4];
    moved[4] = new AppliedEvent(a.seq(), a.eventId(), a.actorId(), a.version(), a.position(), 0,
        6, a.node(), a.process());

    assertThat(check(Effects.AT_LEAST_ONCE, moved).counts())
        .containsOnlyKeys(Check.PROJECTION_PARTITION);
  }
}
