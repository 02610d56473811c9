package one.flowmade.aether.testkit.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.CheckpointFencedException;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.ParkedEvent;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CheckpointStore} keeps, as a JUnit 5 test suite: extend it, implement
 * {@link #store()}, and every test runs against your store.
 *
 * <p>Each test uses keys of its own (random), so one store may serve every test. Checked: a first
 * claim creates the checkpoint at position 0, every claim increases the epoch, a commit by the
 * current owner is seen by {@link CheckpointStore#load} (also from a second instance, {@link
 * #secondInstance()}), a commit by a stale owner is rejected with {@link
 * CheckpointFencedException} and changes nothing, concurrent claims give distinct epochs, reset
 * sets the position and fences, an uncommitted transaction changes nothing, keys with any
 * characters are independent, and a claim with an epoch from elsewhere ({@link
 * CheckpointStore#claim(String, long)}) sets that epoch, after which a stale owner with a lower
 * epoch can neither commit nor claim. {@link CheckpointStore#list()} holds every checkpoint with
 * its position and epoch, and the parking list ({@link CheckpointStore#park}) keeps entries of any
 * characters per key, in position order, seen from a second instance, replaced when the same
 * position is parked again, removed one by one or all at once, and never listed as checkpoints;
 * parking as the owner of an epoch ({@link CheckpointStore#park(String, long, ParkedEvent)}) is
 * refused once another owner claimed the checkpoint, and leaves no entry.
 */
public abstract class CheckpointStoreContract {

  /** For subclasses. */
  protected CheckpointStoreContract() {}

  /**
   * Returns the store under test; may return the same instance every time.
   *
   * @return the store
   */
  protected abstract CheckpointStore store();

  /**
   * Returns a second instance on the same storage, as another process would open it; the default
   * returns {@link #store()}.
   *
   * @return a second instance
   */
  protected CheckpointStore secondInstance() {
    return store();
  }

  private static String key() {
    return "contract-" + UUID.randomUUID();
  }

  @Test
  void load_ofAnUnknownKey_isEmpty() {
    assertThat(store().load(key())).isEmpty();
  }

  @Test
  void firstClaim_startsAtPositionZero_andEveryClaimIncreasesTheEpoch() {
    String key = key();
    Checkpoint first = store().claim(key);
    assertThat(first.position()).isZero();
    Checkpoint second = store().claim(key);
    assertThat(second.epoch()).isGreaterThan(first.epoch());
    assertThat(store().load(key)).contains(second);
  }

  @Test
  void commitByTheOwner_isSeenByLoad_alsoFromASecondInstance() {
    String key = key();
    Checkpoint claimed = store().claim(key);
    try (CheckpointStore.Transaction tx = store().begin(key, claimed.epoch())) {
      tx.commit(42);
    }
    assertThat(store().load(key)).contains(new Checkpoint(42, claimed.epoch()));
    assertThat(secondInstance().load(key)).contains(new Checkpoint(42, claimed.epoch()));
    try (CheckpointStore.Transaction tx = store().begin(key, claimed.epoch())) {
      tx.commit(43);
    }
    assertThat(secondInstance().load(key)).map(Checkpoint::position).contains(43L);
  }

  @Test
  void commitByAStaleOwner_isRejected_andChangesNothing() {
    String key = key();
    Checkpoint stale = store().claim(key);
    try (CheckpointStore.Transaction tx = store().begin(key, stale.epoch())) {
      tx.commit(5);
    }
    Checkpoint current = secondInstance().claim(key);
    assertThat(current.position()).isEqualTo(5);
    try (CheckpointStore.Transaction tx = store().begin(key, stale.epoch())) {
      assertThatThrownBy(() -> tx.commit(9)).isInstanceOf(CheckpointFencedException.class)
          .hasMessageContaining(key);
    }
    assertThat(store().load(key)).contains(new Checkpoint(5, current.epoch()));
    try (CheckpointStore.Transaction tx = secondInstance().begin(key, current.epoch())) {
      tx.commit(6);
    }
    assertThat(store().load(key)).map(Checkpoint::position).contains(6L);
  }

  @Test
  void concurrentClaims_getDistinctEpochs() throws Exception {
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Checkpoint>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        CheckpointStore s = i % 2 == 0 ? store() : secondInstance();
        claims.add(pool.submit((Callable<Checkpoint>) () -> s.claim(key)));
      }
      List<Long> epochs = new ArrayList<>();
      for (Future<Checkpoint> f : claims) {
        epochs.add(f.get().epoch());
      }
      assertThat(epochs).doesNotHaveDuplicates();
      assertThat(store().load(key)).map(Checkpoint::epoch)
          .contains(epochs.stream().mapToLong(Long::longValue).max().orElseThrow());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void reset_setsThePosition_andFencesTheOwner() {
    String key = key();
    Checkpoint owner = store().claim(key);
    try (CheckpointStore.Transaction tx = store().begin(key, owner.epoch())) {
      tx.commit(100);
    }
    store().reset(key, 10);
    assertThat(store().load(key)).map(Checkpoint::position).contains(10L);
    try (CheckpointStore.Transaction tx = store().begin(key, owner.epoch())) {
      assertThatThrownBy(() -> tx.commit(101)).isInstanceOf(CheckpointFencedException.class);
    }
    String fresh = key();
    store().reset(fresh, 3);
    assertThat(store().load(fresh)).map(Checkpoint::position).contains(3L);
  }

  @Test
  void claimWithAnEpoch_setsIt_andAStaleOwnerCanNeitherCommitNorClaim() {
    String key = key();
    assertThat(store().claim(key, 5)).isEqualTo(new Checkpoint(0, 5));
    try (CheckpointStore.Transaction tx = store().begin(key, 5)) {
      tx.commit(10);
    }
    assertThat(secondInstance().claim(key, 7)).isEqualTo(new Checkpoint(10, 7));
    try (CheckpointStore.Transaction tx = store().begin(key, 5)) {
      assertThatThrownBy(() -> tx.commit(12)).as("the stale owner's late write")
          .isInstanceOf(CheckpointFencedException.class).hasMessageContaining(key);
    }
    assertThatThrownBy(() -> store().claim(key, 6)).as("the stale owner's late claim")
        .isInstanceOf(CheckpointFencedException.class).hasMessageContaining(key);
    assertThat(store().load(key)).contains(new Checkpoint(10, 7));
    assertThat(secondInstance().claim(key, 7)).as("the same owner starting again")
        .isEqualTo(new Checkpoint(10, 7));
    try (CheckpointStore.Transaction tx = secondInstance().begin(key, 7)) {
      tx.commit(11);
    }
    assertThat(store().load(key)).contains(new Checkpoint(11, 7));
    assertThat(store().claim(key).epoch()).as("a plain claim still increases it").isEqualTo(8);
  }

  @Test
  void claimWithAnEpochBelowOne_isRejected() {
    assertThatThrownBy(() -> store().claim(key(), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch");
  }

  @Test
  void aTransactionClosedWithoutCommit_changesNothing() {
    String key = key();
    Checkpoint owner = store().claim(key);
    try (CheckpointStore.Transaction tx = store().begin(key, owner.epoch())) {
      assertThat(tx).isNotNull();
    }
    assertThat(store().load(key)).contains(owner);
  }

  @Test
  void keysWithAnyCharacters_areIndependent() {
    String base = key();
    List<String> keys = List.of(base + ".a", base + "_2Ea", base + " a", base + "/a", base + "=a");
    long position = 1;
    for (String k : keys) {
      Checkpoint c = store().claim(k);
      try (CheckpointStore.Transaction tx = store().begin(k, c.epoch())) {
        tx.commit(position++);
      }
    }
    position = 1;
    for (String k : keys) {
      assertThat(store().load(k)).as(k).map(Checkpoint::position).contains(position++);
    }
  }

  @Test
  void list_holdsEveryCheckpointWithItsPositionAndEpoch() {
    String a = key() + ".a b";
    String b = key();
    Checkpoint ca = store().claim(a);
    try (CheckpointStore.Transaction tx = store().begin(a, ca.epoch())) {
      tx.commit(7);
    }
    store().reset(b, 3);
    assertThat(secondInstance().list()).containsEntry(a, new Checkpoint(7, ca.epoch()))
        .containsEntry(b, store().load(b).orElseThrow());
    List<String> keys = new ArrayList<>(store().list().keySet());
    assertThat(keys).as("in key order").isSorted();
  }

  @Test
  void parkingList_keepsEntries_seenFromASecondInstance_andIsNotListedAsCheckpoints() {
    String key = key() + ".x/y";
    String other = key();
    store().claim(key);
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    ParkedEvent late = new ParkedEvent(12, "id-12", "Deposited", "acc 1.\n=", "boom\nline 2", at);
    ParkedEvent early = new ParkedEvent(5, "", "", "source.subject", "undecodable", at);
    store().park(key, late);
    store().park(key, early);
    store().park(other, late);
    assertThat(secondInstance().parked(key)).containsExactly(early, late);
    ParkedEvent again = new ParkedEvent(12, "id-12", "Deposited", "acc 1.\n=", "still boom", at);
    store().park(key, again);
    assertThat(store().parked(key)).as("parking a position again replaces it")
        .containsExactly(early, again);
    assertThat(store().list()).as("parked entries are no checkpoints").doesNotContainKey(other)
        .containsKey(key).allSatisfy((k, c) -> assertThat(k).doesNotStartWith("parked"));
    assertThat(secondInstance().unpark(key, 5)).isTrue();
    assertThat(store().unpark(key, 5)).isFalse();
    assertThat(store().parked(key)).containsExactly(again);
    assertThat(store().parked(other)).containsExactly(late);
    assertThat(store().clearParked(other)).isEqualTo(1);
    assertThat(secondInstance().parked(other)).isEmpty();
    assertThat(store().parked(key)).containsExactly(again);
    assertThat(store().parked(key())).isEmpty();
  }

  @Test
  void parkAsTheOwnerOfAnEpoch_isRefusedOnceAnotherClaimed_andLeavesNoEntry() {
    String key = key();
    Instant at = Instant.parse("2026-01-02T03:04:05.123456Z");
    ParkedEvent early = new ParkedEvent(7, "id-7", "Deposited", "acc", "boom", at);
    ParkedEvent late = new ParkedEvent(9, "id-9", "Deposited", "acc", "boom again", at);
    store().claim(key, 3);
    store().park(key, 3, early);
    assertThat(secondInstance().parked(key)).containsExactly(early);
    secondInstance().claim(key, 4);

    assertThatThrownBy(() -> store().park(key, 3, late)).as("the stale owner's late entry")
        .isInstanceOf(CheckpointFencedException.class).hasMessageContaining(key);
    assertThat(secondInstance().parked(key)).containsExactly(early);
    assertThatThrownBy(() -> store().park(key(), 1, late)).as("no checkpoint, no owner")
        .isInstanceOf(CheckpointFencedException.class);
    secondInstance().park(key, 4, late);
    assertThat(store().parked(key)).containsExactly(early, late);
    assertThat(store().load(key)).as("the checkpoint is unchanged").contains(new Checkpoint(0, 4));
  }
}
