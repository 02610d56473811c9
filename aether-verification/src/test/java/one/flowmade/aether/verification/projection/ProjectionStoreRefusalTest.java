package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A checkpoint store that refuses a commit for good stops the projection; nothing is skipped. */
final class ProjectionStoreRefusalTest {
  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void aCommitRefusedForGood_stopsTheProjectionAsFailed_evenUnderSkip() {
    for (int i = 0; i < 3; i++) {
      store.append("a", ExpectedVersion.any(), NewEvent.of("Deposited", Payload.json("{}")));
    }
    try (Projection p = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(new RefusesPastOne(new InMemoryCheckpointStore())).batchSize(1)
        .errorPolicy(ErrorPolicy.skipAndReport().withRetries(2, Duration.ZERO, Duration.ZERO))
        .onAny((e, c) -> { }).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.state() == ProjectionState.FAILED);
      assertThat(p.status().position()).isEqualTo(1);
      assertThat(p.status().skipped()).as("not the event's fault").isZero();
      assertThat(p.status().lastError()).get().asString().contains("refused")
          .contains("maximum value size");
    }
  }

  /** A store whose commits past position 1 are refused, as a misconfigured bucket refuses. */
  private static final class RefusesPastOne extends ForwardingCheckpointStore {
    RefusesPastOne(CheckpointStore delegate) {
      super(delegate);
    }

    @Override
    public Transaction begin(String key, long epoch) {
      Transaction tx = delegate.begin(key, epoch);
      return new Transaction() {
        @Override
        public void commit(long position) {
          if (position > 1) {
            throw new AetherNonTransientException("simulated: the bucket's maximum value size"
                + " is exceeded (JetStream error 10054)", null);
          }
          tx.commit(position);
        }

        @Override
        public void close() {
          tx.close();
        }
      };
    }
  }
}
