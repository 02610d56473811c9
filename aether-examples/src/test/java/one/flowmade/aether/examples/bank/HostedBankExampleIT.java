package one.flowmade.aether.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nats.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import one.flowmade.aether.testkit.projection.ProjectionFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The hosted bank on a real nats-server and a real PostgreSQL, with HikariCP. */
final class HostedBankExampleIT {

  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @BeforeEach
  void emptyDatabase() throws Exception {
    try (java.sql.Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS account_balance, aether_projection_checkpoint");
    }
  }

  @Test
  void example_runsAccountsOnTwoNodes_andBothReadModelsHoldTheBalances() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (NatsServer nats = NatsServer.start()) {
      new HostedBankExample(new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run(nats.url(), postgres.jdbcUrl(), postgres.user());
    }
    String output = buffer.toString(StandardCharsets.UTF_8);

    assertThat(output)
        .containsPattern("alice Open\\[owner=Alice\\]: APPLIED on node-[12], version 1")
        .containsPattern("alice Deposit\\[amountCents=10000\\]: APPLIED on node-[12], version 2")
        .contains("t-1 alice -> bob 2500: done")
        .contains("t-2 bob -> carol 1000: done")
        .contains("t-3 carol -> alice 5000: refused: insufficient funds in carol: balance 1000,"
            + " asked 5000")
        .contains("t-1 sent again: already applied, nothing stored twice")
        .contains("PostgreSQL (exactly once): {alice=7500, bob=4000, carol=1000}")
        .contains("NATS KV (at least once, idempotent): {alice=7500, bob=4000, carol=1000}");
  }

  @Test
  void concurrentTransfers_leaveTheActorsBalancesInBothReadModels_andAKvReplayChangesNothing()
      throws Exception {
    List<String> accounts = List.of("a-1", "a-2", "a-3", "a-4", "a-5");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl());
    config.setUsername(postgres.user());
    try (NatsServer nats = NatsServer.start();
        HikariDataSource database = new HikariDataSource(config);
        Connection c1 = nats.connect();
        Connection c2 = nats.connect();
        BankNode node1 = BankNode.start(c1, "bank-it", "node-1");
        BankNode node2 = BankNode.start(c2, "bank-it", "node-2");
        BankReadModels readModels = BankReadModels.start(node1.events(), database, c1)) {
      ActorClient bank = node2.client();
      for (String account : accounts) {
        bank.send(BankNode.ACCOUNT, account, new AccountCommand.Open(account), "open-" + account,
            Duration.ofSeconds(30));
        bank.send(BankNode.ACCOUNT, account, new AccountCommand.Deposit(1_000), "fund-" + account,
            Duration.ofSeconds(30));
      }
      ExecutorService senders = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int thread = t;
          ActorClient client = (thread % 2 == 0 ? node1 : node2).client();
          done.add(senders.submit(() -> {
            Random random = new Random(thread);
            for (int i = 0; i < 25; i++) {
              String from = accounts.get(random.nextInt(accounts.size()));
              String to = accounts.get(random.nextInt(accounts.size()));
              HostedBankExample.transfer(client, "t-" + thread + "-" + i, from, to,
                  1 + random.nextInt(400));
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(120, TimeUnit.SECONDS);
        }
      } finally {
        senders.shutdown();
      }

      Map<String, Long> actual = balancesFromEvents(node1, accounts);
      assertThat(actual.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5_000);
      assertThat(readModels.awaitCaughtUp(Duration.ofSeconds(30)))
          .as("%s, %s", readModels.postgresStatus(), readModels.kvStatus()).isTrue();
      assertThat(readModels.inPostgres()).isEqualTo(actual);
      assertThat(readModels.inKv()).isEqualTo(actual);

      // Every event delivered again to the KV read model: positions it holds are ignored.
      try (Projection replay = BalanceProjection.define("balances-kv-replay", BankNode.CODEC,
              new KvBalances(c1, "bank-balances"))
          .eventStore(node1.events()).checkpointStore(new InMemoryCheckpointStore()).build()) {
        replay.start();
        long last = node1.events().lastPosition();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
            .until(() -> replay.status().position() >= last);
        assertThat(replay.status().applied()).isEqualTo(last);
      }
      assertThat(readModels.inKv()).isEqualTo(actual);
    }
  }

  @Test
  void postgresBalances_underTheFixtureWithAJdbcCheckpointStore_commitWithTheCheckpoint()
      throws Exception {
    PostgresBalances balances = new PostgresBalances(postgres.dataSource());
    JdbcCheckpointStore checkpoints = JdbcCheckpointStore.open(postgres.dataSource());
    try (ProjectionFixture fixture = ProjectionFixture.builder()
        .eventStore(InMemoryEventStore.builder().namespace(BankNode.BANK).build())
        .codec(BankNode.CODEC)
        .checkpointStore(checkpoints)
        .projection(() -> BalanceProjection.define("balances-sql", BankNode.CODEC, balances))
        .build()) {
      fixture.given("alice", new AccountEvent.Opened("Alice"), new AccountEvent.Deposited(300))
          .given("bob", new AccountEvent.Opened("Bob"))
          .given("alice", new AccountEvent.Withdrawn(100))
          .then(() -> {
            assertThat(balances.all()).isEqualTo(Map.of("alice", 200L, "bob", 0L));
            assertThat(checkpoints.load("balances-sql").orElseThrow().position()).isEqualTo(4);
          });
    }
  }

  /** The balances the accounts' own events add up to: the truth the read models must match. */
  private static Map<String, Long> balancesFromEvents(BankNode node, List<String> accounts) {
    Map<String, Long> balances = new TreeMap<>();
    for (String account : accounts) {
      long balance = 0;
      for (Event event : node.events().read(account, 1).events()) {
        Object decoded = BankNode.CODEC.decode(event);
        if (decoded instanceof AccountEvent.Deposited d) {
          balance += d.amountCents();
        } else if (decoded instanceof AccountEvent.Withdrawn w) {
          balance -= w.amountCents();
        }
      }
      balances.put(account, balance);
    }
    return balances;
  }
}
