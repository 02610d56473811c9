package one.flowmade.aether.verification.checker;

import static one.flowmade.aether.verification.checker.Histories.conflict;
import static one.flowmade.aether.verification.checker.Histories.delivery;
import static one.flowmade.aether.verification.checker.Histories.failed;
import static one.flowmade.aether.verification.checker.Histories.ms;
import static one.flowmade.aether.verification.checker.Histories.ok;
import static one.flowmade.aether.verification.checker.Histories.read;
import static one.flowmade.aether.verification.checker.Histories.stored;
import static one.flowmade.aether.verification.checker.Histories.tenure;
import static one.flowmade.aether.verification.checker.Histories.term;
import static one.flowmade.aether.verification.checker.Histories.unknown;
import static one.flowmade.aether.verification.checker.Histories.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.FinalState;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.HistoryEntry;
import one.flowmade.aether.verification.history.ShardTenure.Status;
import one.flowmade.aether.verification.history.StoredEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

final class HistoryCheckerTest {

  private static final long ANY = AppendOp.ANY;

  private static History history(List<? extends HistoryEntry> entries, StoredEvent... stored) {
    return History.builder().addAll(entries).finalState(FinalState.of(stored)).build();
  }

  private static CheckReport check(List<? extends HistoryEntry> entries, StoredEvent... stored) {
    return HistoryChecker.check(history(entries, stored));
  }

  /** Returns the only check the report breaks, asserting there is exactly one kind. */
  private static Check onlyBroken(CheckReport report) {
    assertThat(report.counts().keySet()).as(report.describe()).hasSize(1);
    return report.counts().keySet().iterator().next();
  }

  @Nested
  final class GoodHistories {

    @Test
    void check_emptyHistory_isValid() {
      CheckReport report = check(List.of());

      assertThat(report.isValid()).isTrue();
      assertThat(report.describe()).contains("no violations");
    }

    @Test
    void check_concurrentAppendsWithLegitimateConflict_isValid() {
      // p1 and p2 both try to append v1; p1 wins, p2 is refused seeing v1, then retries at v1.
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              conflict("o2", "p2#1", "x", 0, 2, 12, 1, "e2"),
              ok("o3", "p2#1", "x", 1, 13, 20, 2, "e3"),
              ok("o4", "p1#1", "y", ANY, 5, 6, 1, "e4", "e5")),
          stored("x", 1, "e1", 1), stored("y", 1, "e4", 2), stored("y", 2, "e5", 3),
          stored("x", 2, "e3", 4));

      report.assertValid();
    }

    @Test
    void check_unknownAppendAbsentOrPresentOnce_isValid() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              unknown("o2", "p2#1", "x", 1, 11, 50L, "e2"),
              unknown("o3", "p3#1", "x", 2, 60, null, "e3"),
              unknown("o4", "p1#1", "x", 2, 70, 80L, "e4")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2), stored("x", 3, "e3", 3));

      report.assertValid();
    }

    @Test
    void check_overlappingAppendsStoredInEitherOrder_isValid() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", ANY, 0, 100, 2, "e1"),
              ok("o2", "p2#1", "x", ANY, 10, 20, 1, "e2")),
          stored("x", 1, "e2", 1), stored("x", 2, "e1", 2));

      report.assertValid();
    }

    @Test
    void check_unknownAppendTakingEffectAfterItsCallerGaveUp_isValid() {
      // A request given up on may still be applied later, so it is concurrent with everything after.
      CheckReport report = check(List.of(
              unknown("o1", "p1#1", "x", ANY, 0, 10L, "e1"),
              ok("o2", "p2#1", "x", ANY, 20, 30, 1, "e2")),
          stored("x", 1, "e2", 1), stored("x", 2, "e1", 2));

      report.assertValid();
    }

    @Test
    void check_readsOfStatesThatExistedWhileTheyRan_isValid() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 20, 30, 2, "e2"),
              read("r1", "p2#1", "x", 11, 19, "e1"),
              read("r2", "p2#1", "x", 15, 25, "e1", "e2"),
              read("r3", "p2#1", "x", 15, 25, "e1"),
              read("r4", "p2#1", "y", 15, 25)),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      report.assertValid();
    }

    @Test
    void check_subscriptionWithRedelivery_isValid() {
      StoredEvent s1 = stored("x", 1, "e1", 1);
      StoredEvent s2 = stored("x", 2, "e2", 2);
      StoredEvent s3 = stored("y", 1, "e3", 3);
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 1, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 2, 3, 2, "e2"),
              ok("o3", "p1#1", "y", 0, 4, 5, 1, "e3"),
              delivery("p2#1", "all", 1, 10, s1),
              delivery("p2#1", "all", 2, 11, s2),
              delivery("p2#1", "all", 3, 12, s2),
              delivery("p2#1", "all", 4, 13, s3)),
          s1, s2, s3);

      report.assertValid();
    }

    @Test
    void check_leadersAndShardsHandedOverCleanly_isValid() {
      History history = History.builder()
          .add(term("a1#1", 5, 0, 100))
          .add(term("a2#1", 9, 101, 300))
          .add(tenure("a1#1", 0, 1, 0, 150, Status.RELEASED))
          .add(tenure("a2#1", 0, 2, 151, 400, Status.OPEN))
          .add(tenure("a2#1", 1, 1, 0, 400, Status.OPEN))
          .shardCount(2)
          .ownershipDeadline(ms(350))
          .build();

      HistoryChecker.check(history).assertValid();
    }

    @Test
    void check_restartedNodeReacquiringInSameEpoch_isValid() {
      History history = History.builder()
          .add(tenure("a1#1", 0, 3, 0, 100, Status.OPEN))
          .add(tenure("a1#2", 0, 3, 200, 300, Status.OPEN))
          .build();

      HistoryChecker.check(history).assertValid();
    }
  }

  @Nested
  final class BadHistories {

    @Test
    void check_acknowledgedAppendMissing_reportsLostAcknowledgedAppend() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 11, 20, 2, "e2")),
          stored("x", 1, "e1", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.LOST_ACKNOWLEDGED_APPEND);
      assertThat(report.describe()).contains("o2", "e2", "stored actor='x' v1 event=e1");
    }

    @Test
    void check_acknowledgedAppendPartlyMissing_reportsLostAcknowledgedAppend() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1", "e2")),
          stored("x", 1, "e1", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.LOST_ACKNOWLEDGED_APPEND);
    }

    @Test
    void check_acknowledgedAtOtherVersion_reportsReportedVersions() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", ANY, 0, 10, 1, "e1"),
              ok("o2", "p2#1", "x", ANY, 0, 10, 1, "e2")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.REPORTED_VERSIONS);
      assertThat(report.violations().get(0).summary()).contains("o2");
    }

    @Test
    void check_eventStoredTwice_reportsDuplicate() {
      CheckReport report = check(List.of(
              unknown("o1", "p1#1", "x", ANY, 0, 10L, "e1")),
          stored("x", 1, "e1", 1), stored("x", 2, "e1", 2));

      assertThat(report.counts()).containsKey(Check.DUPLICATE_EVENT);
      assertThat(report.violations(Check.DUPLICATE_EVENT).get(0).stored()).hasSize(2);
    }

    @Test
    void check_versionGap_reportsContiguousVersions() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              ok("o2", "p1#1", "x", ANY, 11, 20, 3, "e2")),
          stored("x", 1, "e1", 1), stored("x", 3, "e2", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.CONTIGUOUS_VERSIONS);
      assertThat(report.describe()).contains("v3 where v2 belongs");
    }

    @Test
    void check_failedAppendStored_reportsFailedAppendStored() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              failed("o2", "p2#1", "x", 1, 11, 20, "e2")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.FAILED_APPEND_STORED);
    }

    @Test
    void check_refusedAppendStored_reportsFailedAppendStored() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              conflict("o2", "p2#1", "x", 0, 5, 20, 1, "e2")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      assertThat(report.counts()).containsKey(Check.FAILED_APPEND_STORED);
    }

    @Test
    void check_unknownAppendStoredInPart_reportsAtomicAppend() {
      CheckReport report = check(List.of(
              unknown("o1", "p1#1", "x", 0, 0, 10L, "e1", "e2")),
          stored("x", 1, "e1", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.ATOMIC_APPEND);
    }

    @Test
    void check_appendInterleavedWithAnother_reportsAtomicAppend() {
      CheckReport report = check(List.of(
              unknown("o1", "p1#1", "x", ANY, 0, 10L, "e1", "e2"),
              ok("o2", "p2#1", "x", ANY, 0, 10, 2, "e3")),
          stored("x", 1, "e1", 1), stored("x", 2, "e3", 2), stored("x", 3, "e2", 3));

      assertThat(report.counts()).containsKey(Check.ATOMIC_APPEND);
    }

    @Test
    void check_eventFromNowhere_reportsUnexplainedEvent() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1")),
          stored("x", 1, "e1", 1), stored("x", 2, "ghost", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.UNEXPLAINED_EVENT);
      assertThat(report.describe()).contains("ghost");
    }

    @Test
    void check_appendStoredAfterOtherVersionThanExpected_reportsExpectedVersion() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              ok("o2", "p2#1", "x", 0, 1, 12, 2, "e2")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.EXPECTED_VERSION);
      assertThat(report.describe()).contains("o2 expected version 0");
    }

    @Test
    void check_laterAppendStoredFirst_reportsRealTimeOrder() {
      // o2 was invoked only after o1 completed, yet it is stored before o1.
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", ANY, 0, 10, 2, "e1"),
              ok("o2", "p2#1", "x", ANY, 20, 30, 1, "e2")),
          stored("x", 1, "e2", 1), stored("x", 2, "e1", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.REAL_TIME_ORDER);
      Violation v = report.violations().get(0);
      assertThat(v.history()).extracting(HistoryEntry::id).containsExactly("o1", "o2");
      assertThat(v.stored()).hasSize(2);
    }


    @Test
    void check_conflictReportingExpectedVersion_reportsUnexplainedConflict() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              conflict("o2", "p2#1", "x", 1, 20, 30, 1, "e2")),
          stored("x", 1, "e1", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.UNEXPLAINED_CONFLICT);
    }

    @Test
    void check_conflictReportingVersionNotYetWritten_reportsUnexplainedConflict() {
      // x was at v1 all the time o2 ran; v2 was written only after o2 completed.
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              conflict("o2", "p2#1", "x", 0, 20, 30, 2, "e2"),
              ok("o3", "p1#1", "x", 1, 40, 50, 2, "e3")),
          stored("x", 1, "e1", 1), stored("x", 2, "e3", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.UNEXPLAINED_CONFLICT);
      assertThat(report.violations().get(0).history()).extracting(HistoryEntry::id)
          .contains("o2", "o3");
    }

    @Test
    void check_conflictReportingVersionThatNeverExisted_reportsUnexplainedConflict() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              conflict("o2", "p2#1", "x", 0, 20, 30, 2, "e2")),
          stored("x", 1, "e1", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.UNEXPLAINED_CONFLICT);
    }

    @Test
    void check_readMissingAcknowledgedAppend_reportsStaleRead() {
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 11, 20, 2, "e2"),
              read("r1", "p2#1", "x", 30, 40, "e1")),
          stored("x", 1, "e1", 1), stored("x", 2, "e2", 2));

      assertThat(onlyBroken(report)).isEqualTo(Check.STALE_READ);
      assertThat(report.describe()).contains("r1", "o2");
    }

    @Test
    void check_readOfEventLaterLost_reportsStaleRead() {
      CheckReport report = check(List.of(
              unknown("o1", "p1#1", "x", 0, 0, 10L, "e1"),
              ok("o2", "p2#1", "x", 0, 20, 30, 1, "e2"),
              read("r1", "p3#1", "x", 11, 15, "e1")),
          stored("x", 1, "e2", 1));

      assertThat(onlyBroken(report)).isEqualTo(Check.STALE_READ);
    }

    @Test
    void check_subscriptionSkippingAnEvent_reportsSubscription() {
      StoredEvent s1 = stored("x", 1, "e1", 1);
      StoredEvent s2 = stored("x", 2, "e2", 2);
      StoredEvent s3 = stored("x", 3, "e3", 3);
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 1, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 2, 3, 2, "e2"),
              ok("o3", "p1#1", "x", 2, 4, 5, 3, "e3"),
              delivery("p2#1", "all", 1, 10, s1),
              delivery("p2#1", "all", 2, 11, s3)),
          s1, s2, s3);

      assertThat(onlyBroken(report)).isEqualTo(Check.SUBSCRIPTION);
      assertThat(report.describe()).contains("skipped position 2");
    }

    @Test
    void check_subscriptionOutOfOrder_reportsSubscription() {
      StoredEvent s1 = stored("x", 1, "e1", 1);
      StoredEvent s2 = stored("x", 2, "e2", 2);
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 1, 1, "e1"),
              ok("o2", "p1#1", "x", 1, 2, 3, 2, "e2"),
              delivery("p2#1", "all", 1, 10, s2),
              delivery("p2#1", "all", 2, 11, s1)),
          s1, s2);

      assertThat(onlyBroken(report)).isEqualTo(Check.SUBSCRIPTION);
    }

    @Test
    void check_subscriptionDeliveringWhatIsNotStored_reportsSubscription() {
      StoredEvent s1 = stored("x", 1, "e1", 1);
      CheckReport report = check(List.of(
              ok("o1", "p1#1", "x", 0, 0, 1, 1, "e1"),
              delivery("p2#1", "all", 1, 10, stored("x", 1, "e1", 7))),
          s1);

      assertThat(onlyBroken(report)).isEqualTo(Check.SUBSCRIPTION);
    }

    @Test
    void check_overlappingLeaderTerms_reportsLeaderOverlap() {
      History history = History.builder()
          .add(term("a1#1", 5, 0, 100))
          .add(term("a2#1", 9, 90, 300))
          .build();

      CheckReport report = HistoryChecker.check(history);

      assertThat(onlyBroken(report)).isEqualTo(Check.LEADER_OVERLAP);
      assertThat(report.describe()).contains("a1#1/term/5", "a2#1/term/9");
    }

    @Test
    void check_laterTermWithSmallerToken_reportsFencingTokenOrder() {
      History history = History.builder()
          .add(term("a1#1", 9, 0, 100))
          .add(term("a2#1", 5, 110, 300))
          .build();

      assertThat(onlyBroken(HistoryChecker.check(history))).isEqualTo(Check.FENCING_TOKEN_ORDER);
    }

    @Test
    void check_twoNodesAcquiringShardInOneEpoch_reportsTwoOwnersInEpoch() {
      History history = History.builder()
          .add(tenure("a1#1", 3, 7, 0, 100, Status.RELEASED))
          .add(tenure("a2#1", 3, 7, 200, 300, Status.OPEN))
          .build();

      assertThat(onlyBroken(HistoryChecker.check(history))).isEqualTo(Check.TWO_OWNERS_IN_EPOCH);
    }

    @Test
    void check_shardOwnedByTwoAtOnce_reportsOwnersOverlap() {
      History history = History.builder()
          .add(tenure("a1#1", 3, 7, 0, 100, Status.LOST))
          .add(tenure("a2#1", 3, 8, 50, 300, Status.OPEN))
          .build();

      CheckReport report = HistoryChecker.check(history);

      assertThat(onlyBroken(report)).isEqualTo(Check.OWNERS_OVERLAP);
      assertThat(report.violations().get(0).history()).hasSize(2);
    }

    @Test
    void check_shardWithoutOwnerAfterFaults_reportsOrphanShard() {
      History history = History.builder()
          .add(tenure("a1#1", 0, 1, 0, 400, Status.OPEN))
          .add(tenure("a2#1", 1, 1, 0, 100, Status.LOST))
          .shardCount(3)
          .ownershipDeadline(ms(350))
          .build();

      CheckReport report = HistoryChecker.check(history);

      assertThat(report.violations(Check.ORPHAN_SHARD)).extracting(Violation::summary)
          .anyMatch(s -> s.startsWith("shard 1 "))
          .anyMatch(s -> s.startsWith("shard 2 ") && s.contains("never owned"))
          .hasSize(2);
    }
  }

  /** Hosted commands: acknowledged as already applied, and events naming writer and epoch. */
  @Nested
  final class HostedCommands {

    private AppendOp alreadyApplied(String id, String process, String actor, long invoked,
        long completed, String eventId) {
      return AppendOp.invoke(id, process, actor, ANY, List.of(eventId), ms(invoked))
          .acknowledged(ms(completed));
    }

    @Test
    void check_commandsByTheOwnersOfSuccessiveEpochs_isValid() {
      CheckReport report = check(List.of(
              ok("c1", "p1#1", "x", ANY, 0, 10, 1, "e1"),
              ok("c2", "p2#1", "x", ANY, 11, 20, 2, "e2"),
              alreadyApplied("c2-again", "p3#1", "x", 21, 30, "e3")),
          written("x", 1, "e1", 1, "a1#1", 4), written("x", 2, "e2", 2, "a2#1", 5),
          written("x", 3, "e3", 3, "a2#1", 5));

      report.assertValid();
    }

    @Test
    void check_alreadyAppliedCommandNotStored_reportsLostAcknowledgedAppend() {
      CheckReport report = check(List.of(alreadyApplied("c1", "p1#1", "x", 0, 10, "e1")));

      assertThat(onlyBroken(report)).isEqualTo(Check.LOST_ACKNOWLEDGED_APPEND);
      assertThat(report.describe()).contains("already applied");
    }

    @Test
    void check_twoNodesWritingOneActorInOneEpoch_reportsOneWriterPerEpoch() {
      CheckReport report = check(List.of(
              ok("c1", "p1#1", "x", ANY, 0, 10, 1, "e1"),
              ok("c2", "p2#1", "x", ANY, 11, 20, 2, "e2")),
          written("x", 1, "e1", 1, "a1#1", 4), written("x", 2, "e2", 2, "a2#1", 4));

      assertThat(onlyBroken(report)).isEqualTo(Check.ONE_WRITER_PER_EPOCH);
    }

    @Test
    void check_staleOwnerWritingAfterTheNewOne_reportsEpochOrder() {
      CheckReport report = check(List.of(
              ok("c1", "p1#1", "x", ANY, 0, 10, 1, "e1"),
              ok("c2", "p2#1", "x", ANY, 11, 20, 2, "e2"),
              ok("c3", "p1#1", "x", ANY, 21, 30, 3, "e3")),
          written("x", 1, "e1", 1, "a1#1", 4), written("x", 2, "e2", 2, "a2#1", 5),
          written("x", 3, "e3", 3, "a1#1", 4));

      assertThat(report.counts()).containsKey(Check.EPOCH_ORDER);
      assertThat(report.violations(Check.EPOCH_ORDER)).extracting(Violation::summary)
          .containsExactly("actor 'x' v3 was written by a1#1 in epoch 4, after v2 by a2#1 in the"
              + " newer epoch 5");
    }

    @Test
    void check_restartedNodeWritingInTheSameEpoch_isValid() {
      CheckReport report = check(List.of(
              ok("c1", "p1#1", "x", ANY, 0, 10, 1, "e1"),
              ok("c2", "p1#2", "x", ANY, 11, 20, 2, "e2")),
          written("x", 1, "e1", 1, "a1#1", 4), written("x", 2, "e2", 2, "a1#2", 4));

      report.assertValid();
    }
  }

  @Test
  void history_twoAppendsClaimingOneEventId_isRejected() {
    assertThatThrownBy(() -> history(List.of(
            ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
            ok("o2", "p1#1", "y", 0, 0, 10, 1, "e1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e1");
  }

  @Test
  void describe_printsOnlyTheMinimalHistory() {
    CheckReport report = check(List.of(
            ok("o1", "p1#1", "x", 0, 0, 10, 1, "e1"),
            ok("o2", "p1#1", "x", 1, 11, 20, 2, "e2"),
            ok("o3", "p1#1", "y", 0, 11, 20, 1, "e3")),
        stored("x", 1, "e1", 1), stored("y", 1, "e3", 2));

    String text = report.describe();

    assertThat(text).contains("[LOST_ACKNOWLEDGED_APPEND]", "o2", "+0.011000s")
        .doesNotContain("o3 append");
  }
}
