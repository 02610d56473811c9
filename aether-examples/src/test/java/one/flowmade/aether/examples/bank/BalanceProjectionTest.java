package one.flowmade.aether.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import java.util.TreeMap;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.testkit.projection.ProjectionFixture;
import org.junit.jupiter.api.Test;

/** The balance read model's handlers, with the projection fixture on the in-memory store. */
final class BalanceProjectionTest {

  /** Balances in a map, as a unit test needs them. */
  private static final class MapBalances implements Balances {
    final Map<String, Long> balances = new TreeMap<>();

    @Override
    public synchronized void add(String accountId, long deltaCents, ProjectionContext context) {
      balances.merge(accountId, deltaCents, Long::sum);
    }

    @Override
    public synchronized Map<String, Long> all() {
      return new TreeMap<>(balances);
    }
  }

  private final MapBalances balances = new MapBalances();

  private ProjectionFixture fixture() {
    return ProjectionFixture.builder()
        .eventStore(InMemoryEventStore.builder().namespace(BankNode.BANK).build())
        .codec(BankNode.CODEC)
        .projection(() -> BalanceProjection.define("balances", BankNode.CODEC, balances))
        .build();
  }

  @Test
  void depositsAndWithdrawals_makeTheBalance_andAnOpenedAccountStartsAtZero() {
    try (ProjectionFixture fixture = fixture()) {
      fixture.given("alice", new AccountEvent.Opened("Alice"), new AccountEvent.Deposited(10_000))
          .given("bob", new AccountEvent.Opened("Bob"))
          .given("alice", new AccountEvent.Withdrawn(2_500))
          .then(() -> assertThat(balances.all())
              .containsOnly(entry("alice", 7_500L), entry("bob", 0L)));

      fixture.given("bob", new AccountEvent.Deposited(2_500))
          .then(() -> assertThat(balances.all())
              .containsOnly(entry("alice", 7_500L), entry("bob", 2_500L)));
    }
  }
}
