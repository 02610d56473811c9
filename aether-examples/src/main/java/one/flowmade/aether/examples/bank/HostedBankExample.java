package one.flowmade.aether.examples.bank;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Function;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.CommandOutcome;

/**
 * The bank on NATS: accounts as hosted actors on two cluster nodes, transfers between them with
 * command ids, and the balance read model in PostgreSQL (exactly once) and in NATS KV (at least
 * once, idempotent).
 *
 * <pre>
 * mvn -q -pl aether-examples exec:java \
 *     -Dexec.mainClass=one.flowmade.aether.examples.bank.HostedBankExample \
 *     -Dexec.args="nats://localhost:4222 jdbc:postgresql://localhost:5432/postgres postgres"
 * </pre>
 */
public final class HostedBankExample {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final PrintStream out;

  HostedBankExample(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the example.
   *
   * @param args the NATS URL, the JDBC URL of a PostgreSQL database, optionally its user
   * @throws Exception if NATS or the database cannot be reached
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: HostedBankExample <nats-url> <jdbc-url> [user]");
    }
    new HostedBankExample(System.out).run(args[0], args[1], args.length > 2 ? args[2] : null);
  }

  void run(String natsUrl, String jdbcUrl, String user) throws Exception {
    run(name -> Options.builder().server(natsUrl), jdbcUrl, user);
  }

  /**
   * Runs the example with the connection options {@code nats} returns for each connection
   * ({@code node-1}, {@code node-2}): the server, and where the namespace is provisioned the
   * application user's credentials and inbox prefix.
   */
  void run(Function<String, Options.Builder> nats, String jdbcUrl, String user)
      throws Exception {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(jdbcUrl);
    pool.setUsername(user);
    pool.setMaximumPoolSize(4);
    try (HikariDataSource database = new HikariDataSource(pool);
        Connection nats1 = connect(nats.apply("node-1"), "node-1");
        Connection nats2 = connect(nats.apply("node-2"), "node-2");
        BankNode node1 = BankNode.start(nats1, "bank", "node-1");
        BankNode node2 = BankNode.start(nats2, "bank", "node-2");
        BankReadModels readModels = BankReadModels.start(node1.events(), database, nats1)) {
      out.println("== 1. Two nodes host the accounts (in production: one per process)");
      ActorClient bank = node1.client();

      out.println("== 2. Accounts run on the node that owns their shard");
      send(bank, "alice", new AccountCommand.Open("Alice"), "open-alice");
      send(bank, "bob", new AccountCommand.Open("Bob"), "open-bob");
      send(bank, "carol", new AccountCommand.Open("Carol"), "open-carol");
      send(bank, "alice", new AccountCommand.Deposit(10_000), "salary-alice");
      send(bank, "bob", new AccountCommand.Deposit(2_500), "salary-bob");

      out.println("== 3. Transfers: a withdrawal, then a deposit, each with a command id");
      out.println("   t-1 alice -> bob 2500: " + transfer(bank, "t-1", "alice", "bob", 2_500));
      out.println("   t-2 bob -> carol 1000: " + transfer(bank, "t-2", "bob", "carol", 1_000));
      out.println("   t-3 carol -> alice 5000: " + transfer(bank, "t-3", "carol", "alice", 5_000));
      out.println("   t-1 sent again: " + transfer(bank, "t-1", "alice", "bob", 2_500));

      out.println("== 4. The read models");
      if (!readModels.awaitCaughtUp(TIMEOUT)) {
        throw new IllegalStateException("the read models did not catch up: "
            + readModels.postgresStatus() + ", " + readModels.kvStatus());
      }
      out.println("   PostgreSQL (exactly once): " + readModels.inPostgres());
      out.println("   NATS KV (at least once, idempotent): " + readModels.inKv());
    }
  }

  private void send(ActorClient bank, String account, AccountCommand command, String commandId) {
    CommandOutcome<AccountEvent> outcome =
        bank.send(BankNode.ACCOUNT, account, command, commandId, TIMEOUT);
    out.println("   " + account + " " + command + ": " + outcome.status() + " on "
        + outcome.node() + ", version " + outcome.version());
  }

  /**
   * Moves money between accounts. Sent again with the same id (after a timeout, or a crash
   * between the two steps), it completes the transfer and applies nothing twice.
   */
  static String transfer(ActorClient bank, String transferId, String from, String to,
      long amountCents) {
    CommandOutcome<AccountEvent> withdrawn = bank.send(BankNode.ACCOUNT, from,
        new AccountCommand.Withdraw(amountCents), transferId + "-out", TIMEOUT);
    if (withdrawn.status() == CommandOutcome.Status.REJECTED) {
      return "refused: " + withdrawn.message();
    }
    CommandOutcome<AccountEvent> deposited = bank.send(BankNode.ACCOUNT, to,
        new AccountCommand.Deposit(amountCents), transferId + "-in", TIMEOUT);
    if (deposited.status() == CommandOutcome.Status.REJECTED) {
      throw new IllegalStateException("transfer " + transferId + ": " + from + " was debited but "
          + to + " refused the deposit: " + deposited.message());
    }
    return withdrawn.status() == CommandOutcome.Status.ALREADY_APPLIED
        && deposited.status() == CommandOutcome.Status.ALREADY_APPLIED
        ? "already applied, nothing stored twice" : "done";
  }

  private static Connection connect(Options.Builder options, String name) throws Exception {
    return Nats.connect(options.connectionName(name).maxReconnects(-1).build());
  }
}
