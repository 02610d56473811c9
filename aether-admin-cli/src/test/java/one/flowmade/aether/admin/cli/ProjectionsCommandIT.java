package one.flowmade.aether.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.CheckpointFencedException;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code projections list}, {@code reset} and {@code parked} in this JVM against a real server
 * configured by {@code config} (an account per namespace), each namespace provisioned by {@code
 * provision --apply}, the projections run as the namespace's application user, and the commands
 * run as that user too.
 */
final class ProjectionsCommandIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> NAMESPACES =
      List.of("listing", "empty", "resetting", "fencing", "parking", "wrong", "bare");
  private static NatsServer server;

  @BeforeAll
  static void start() {
    server = NatsServer.builder().config(ProvisionCommandIT.accounts(NAMESPACES)).start();
    for (String ns : NAMESPACES) {
      if (!ns.equals("bare")) {
        Cli p = Cli.run("provision", "--namespace", ns, "--server", server.url(),
            "--user", ns + "-admin", "--password", "admin-secret", "--apply");
        assertThat(p.code()).as(p.toString()).isZero();
      }
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Cli cli(String ns, String... command) {
    List<String> args = new ArrayList<>(List.of("projections"));
    args.addAll(List.of(command));
    args.addAll(List.of("--namespace", ns, "--server", server.url(), "--user", ns + "-app",
        "--password", "app-secret"));
    return Cli.run(args.toArray(String[]::new));
  }

  private static Connection app(String ns) throws Exception {
    return Nats.connect(server.connectionOptions().userInfo(ns + "-app", "app-secret")
        .inboxPrefix("_INBOX_" + ns).build());
  }

  private static void append(EventStore store, String actor, String type) {
    store.append(actor, ExpectedVersion.any(), NewEvent.of(type, Payload.json("{}")));
  }

  /** A projection that records the positions it applied and parks events of type Poison. */
  private static Projection.Builder recording(String name, EventStore store,
      KvCheckpointStore checkpoints, Set<Long> applied) {
    return Projection.builder().name(name).eventStore(store).checkpointStore(checkpoints)
        .errorPolicy(ErrorPolicy.park().withRetries(1, Duration.ZERO, Duration.ofMillis(1)))
        .onAny((e, c) -> {
          if (e.type().equals("Poison")) {
            throw new IllegalStateException("cannot apply " + e.type() + " at " + c.position());
          }
          applied.add(c.position());
        });
  }

  /** Runs the projection until it has committed {@code position}, then closes it. */
  private static void runTo(Projection.Builder projection, long position) {
    try (Projection p = projection.build()) {
      p.start();
      await().atMost(WAIT).until(() -> p.status().position() == position);
    }
  }

  @Test
  void list_showsEveryCheckpoint_withPositionEpochLagAndParked() throws Exception {
    Namespace ns = Namespace.of("listing");
    try (Connection c = app("listing");
        EventStore store = JetStreamEventStore.builder(c, ns).build()) {
      KvCheckpointStore checkpoints = KvCheckpointStore.open(c, ns);
      append(store, "a", "Deposited");
      append(store, "a", "Poison");
      append(store, "b", "Deposited");
      runTo(recording("balances", store, checkpoints, ConcurrentHashMap.newKeySet()), 3);
      runTo(recording("balances", store, checkpoints, ConcurrentHashMap.newKeySet()), 3);
      runTo(recording("split", store, checkpoints, ConcurrentHashMap.newKeySet())
          .partition(0, 2), 3);
      append(store, "b", "Deposited");
      append(store, "c", "Deposited");

      Cli r = cli("listing", "list");

      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).isEqualTo("""
          PROJECTION   POSITION  EPOCH  LAG  PARKED
          balances     3         2      2    1
          split-p0of2  3         1      2    0
          """);
      assertThat(r.err()).isEmpty();
    }
  }

  @Test
  void list_ofANamespaceWithoutProjections_saysSo() {
    Cli r = cli("empty", "list");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("no projections in checkpoint bucket aether-projections-empty\n");
  }

  @Test
  void reset_toStartPositionTimeAndEnd_movesTheCheckpoint_andTheNextStartAppliesFromThere()
      throws Exception {
    Namespace ns = Namespace.of("resetting");
    try (Connection c = app("resetting");
        EventStore store = JetStreamEventStore.builder(c, ns).build()) {
      KvCheckpointStore checkpoints = KvCheckpointStore.open(c, ns);
      for (int i = 0; i < 6; i++) {
        append(store, "acc-" + i, "Deposited");
      }
      Set<Long> applied = ConcurrentHashMap.newKeySet();
      runTo(recording("ledger", store, checkpoints, applied), 6);

      Cli toStart = cli("resetting", "reset", "ledger", "--to-start");
      assertThat(toStart.code()).as(toStart.toString()).isZero();
      assertThat(toStart.out()).startsWith("reset projection 'ledger': position 6 -> 0, epoch 1"
          + " -> 2; its next start applies events from position 1\n");
      applied.clear();
      runTo(recording("ledger", store, checkpoints, applied), 6);
      assertThat(applied).as("every event applied again").containsExactlyInAnyOrder(
          1L, 2L, 3L, 4L, 5L, 6L);

      Cli toPosition = cli("resetting", "reset", "ledger", "--to-position", "5");
      assertThat(toPosition.code()).as(toPosition.toString()).isZero();
      assertThat(toPosition.out()).startsWith("reset projection 'ledger': position 6 -> 4,");
      applied.clear();
      runTo(recording("ledger", store, checkpoints, applied), 6);
      assertThat(applied).containsExactlyInAnyOrder(5L, 6L);

      Instant fourth = store.readAll(Position.at(4), 1).events().get(0).timestamp();
      long firstAtOrAfter = store.readAll(Position.beginning(), 10).events().stream()
          .filter(e -> !e.timestamp().isBefore(fourth)).mapToLong(Event::position).min()
          .orElseThrow();
      Cli toTime = cli("resetting", "reset", "ledger", "--to-time", fourth.toString());
      assertThat(toTime.code()).as(toTime.toString()).isZero();
      assertThat(toTime.out()).startsWith("reset projection 'ledger': position 6 -> "
          + (firstAtOrAfter - 1) + ",");

      Cli toEnd = cli("resetting", "reset", "ledger", "--to-end");
      assertThat(toEnd.code()).as(toEnd.toString()).isZero();
      assertThat(toEnd.out()).startsWith("reset projection 'ledger': position "
          + (firstAtOrAfter - 1) + " -> 6,");
      assertThat(checkpoints.load("ledger").orElseThrow().position()).isEqualTo(6);
    }
  }

  @Test
  void reset_ofAnInstanceRunningElsewhere_fencesIt_andARestartAppliesFromTheNewPosition()
      throws Exception {
    Namespace ns = Namespace.of("fencing");
    try (Connection c = app("fencing");
        EventStore store = JetStreamEventStore.builder(c, ns).build()) {
      KvCheckpointStore checkpoints = KvCheckpointStore.open(c, ns);
      append(store, "a", "Deposited");
      append(store, "b", "Deposited");
      Set<Long> applied = ConcurrentHashMap.newKeySet();
      try (Projection running = recording("orders", store, checkpoints, applied).build()) {
        running.start();
        await().atMost(WAIT).until(() -> running.state() == ProjectionState.LIVE
            && running.status().position() == 2);

        Cli r = cli("fencing", "reset", "orders", "--to-start");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("an instance still running with epoch 1 is fenced");

        append(store, "c", "Deposited");
        await().atMost(WAIT).until(() -> running.state() == ProjectionState.FAILED);
        assertThat(running.status().lastError()).get().asString()
            .contains(CheckpointFencedException.class.getSimpleName(), "holds epoch 1");
        assertThat(checkpoints.load("orders").orElseThrow().position())
            .as("the fenced instance committed nothing after the reset").isZero();
      }
      applied.clear();
      runTo(recording("orders", store, checkpoints, applied), 3);
      assertThat(applied).containsExactlyInAnyOrder(1L, 2L, 3L);
    }
  }

  @Test
  void parked_listsTheParkedEvents_andClearRemovesThem() throws Exception {
    Namespace ns = Namespace.of("parking");
    try (Connection c = app("parking");
        EventStore store = JetStreamEventStore.builder(c, ns).build()) {
      KvCheckpointStore checkpoints = KvCheckpointStore.open(c, ns);
      append(store, "a", "Deposited");
      append(store, "a", "Poison");
      append(store, "b", "Poison");
      runTo(recording("ledger", store, checkpoints, ConcurrentHashMap.newKeySet()), 3);
      List<Event> events = store.readAll(Position.beginning(), 10).events();

      Cli listed = cli("parking", "parked", "ledger");
      assertThat(listed.code()).as(listed.toString()).isZero();
      List<String> lines = listed.out().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).matches(
          "POSITION +TYPE +ACTOR +EVENT ID +PARKED AT +CAUSE");
      assertThat(lines.get(1)).matches("2 +Poison +a +" + events.get(1).id()
          + " +20\\S+Z +.*cannot apply Poison at 2.*");
      assertThat(lines.get(2)).matches("3 +Poison +b +" + events.get(2).id() + " .*");

      Cli cleared = cli("parking", "parked", "ledger", "--clear");
      assertThat(cleared.code()).as(cleared.toString()).isZero();
      assertThat(cleared.out()).isEqualTo("cleared 2 parked events of projection 'ledger'; they"
          + " stay unapplied past its checkpoint\n");
      assertThat(checkpoints.parked("ledger")).isEmpty();
      assertThat(cli("parking", "parked", "ledger").out())
          .isEqualTo("projection 'ledger' has no parked events\n");
    }
  }

  @Test
  void badArguments_exit2_withOneLineNamingTheProblem_andChangeNothing() throws Exception {
    Namespace ns = Namespace.of("wrong");
    try (Connection c = app("wrong");
        EventStore store = JetStreamEventStore.builder(c, ns).build()) {
      KvCheckpointStore checkpoints = KvCheckpointStore.open(c, ns);
      append(store, "a", "Deposited");
      append(store, "b", "Deposited");
      runTo(recording("split", store, checkpoints, ConcurrentHashMap.newKeySet())
          .partition(1, 2), 2);
      runTo(recording("ledger", store, checkpoints, ConcurrentHashMap.newKeySet()), 2);

      Cli unknown = cli("wrong", "reset", "ledgr", "--to-start");
      assertThat(unknown.code()).as(unknown.toString()).isEqualTo(AetherAdmin.USAGE);
      assertThat(unknown.err()).isEqualTo("aether-admin: no projection 'ledgr' in checkpoint"
          + " bucket aether-projections-wrong; it holds: ledger, split-p1of2\n");
      Cli partitioned = cli("wrong", "parked", "split");
      assertThat(partitioned.code()).as(partitioned.toString()).isEqualTo(AetherAdmin.USAGE);
      assertThat(partitioned.err()).contains("'split' is partitioned, give each partition's"
          + " key: split-p1of2");

      assertThat(cli("wrong", "reset", "ledger").err())
          .contains("Missing required argument (specify one of these)");
      assertThat(cli("wrong", "reset", "ledger", "--to-start", "--to-end").err())
          .contains("mutually exclusive");
      Cli zero = cli("wrong", "reset", "ledger", "--to-position", "0");
      assertThat(zero.err()).startsWith("aether-admin: --to-position must be at least 1, not 0");
      Cli beyond = cli("wrong", "reset", "ledger", "--to-position", "4");
      assertThat(beyond.err()).startsWith("aether-admin: --to-position 4 is beyond the"
          + " namespace's events (its last position is 2)");
      Cli time = cli("wrong", "reset", "ledger", "--to-time", "yesterday");
      assertThat(time.err()).contains("'yesterday' is not an ISO-8601 instant");
      for (Cli r : List.of(zero, beyond, time, cli("wrong", "reset", "ledger"))) {
        assertThat(r.code()).as(r.toString()).isEqualTo(AetherAdmin.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
      }
      assertThat(checkpoints.load("ledger").orElseThrow().position()).isEqualTo(2);
      assertThat(checkpoints.load("ledger").orElseThrow().epoch()).isEqualTo(1);
    }
  }

  @Test
  void aNamespaceThatWasNotProvisioned_exits1_andNothingIsCreated() throws Exception {
    Cli r = cli("bare", "list");
    assertThat(r.code()).as(r.toString()).isEqualTo(AetherAdmin.FAILED);
    assertThat(r.err()).isEqualTo("aether-admin: namespace 'bare' has no event stream"
        + " AETHER_bare: it is not provisioned (aether-admin provision --apply) or the name is"
        + " misspelt\n");
    Cli verify = Cli.run("verify", "--namespace", "bare", "--server", server.url(),
        "--user", "bare-admin", "--password", "admin-secret");
    assertThat(verify.out()).contains("MISSING  event stream AETHER_bare",
        "MISSING  checkpoint bucket KV_aether-projections-bare");
  }
}
