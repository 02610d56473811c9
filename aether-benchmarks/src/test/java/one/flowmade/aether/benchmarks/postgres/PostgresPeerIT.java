package one.flowmade.aether.benchmarks.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import one.flowmade.aether.Event;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Part;
import one.flowmade.aether.benchmarks.Settings;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.nats.Sizes;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the PostgreSQL peer: the event table refuses a taken version as a conflict and
 * reads back what was written, and the {@code postgres} part runs both durability pairs with tiny
 * sizes against a real PostgreSQL and nats-server. It never checks how fast anything is.
 */
final class PostgresPeerIT {

  private static PostgresServer server;

  @BeforeAll
  static void start() {
    server = PostgresServer.startDurable();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void eventTable_refusesATakenVersion_andReadsTheEventsBackInOrder() throws Exception {
    EventTable table = new EventTable("events_check");
    Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
    NewEvent first = Workload.newEvent(data);
    NewEvent second = Workload.newEvent(data);
    try (Connection c = server.dataSource().getConnection()) {
      assertThat(PostgresScenarios.show(c, "fsync")).isEqualTo("on");
      table.create(c);

      assertThat(table.append(c, "ns", "a", 1, first)).isTrue();
      assertThat(table.append(c, "ns", "a", 1, second)).isFalse();
      assertThat(table.appendBatch(c, "ns", List.of(new EventTable.Append("b", 1, second),
          new EventTable.Append("a", 1, second)))).isFalse();
      assertThat(table.appendBatch(c, "ns", List.of(new EventTable.Append("a", 2, second))))
          .isTrue();

      List<Event> events = table.read(c, "ns", "a", 1);
      assertThat(events).extracting(Event::id, Event::version)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(first.id(), 1L),
              org.assertj.core.groups.Tuple.tuple(second.id(), 2L));
      assertThat(events.get(0).metadata()).isEqualTo(first.metadata());
      assertThat(events.get(0).data()).isEqualTo(first.data());
      // timestamptz keeps microseconds
      assertThat(events.get(0).timestamp())
          .isEqualTo(first.timestamp().truncatedTo(ChronoUnit.MICROS));
      assertThat(table.lastVersion(c, "ns", "b")).isZero();
      assertThat(table.page(c, "ns", events.get(0).position(), 10)).extracting(Event::id)
          .containsExactly(second.id());
    }
  }

  @Test
  void quickRun_measuresBothDurabilityPairs() throws Exception {
    assertThat(Settings.parse("--only", "postgres").parts()).containsExactly(Part.POSTGRES);
    Report report = new Report();

    PostgresPeer.run(report, Sizes.QUICK, PostgresPeer.QUICK_WRITERS, Optional.empty(), server);

    assertThat(report.sections()).extracting(Section::title).containsExactly(
        "PostgreSQL peer: " + Durability.FLUSHED_LATER.title(),
        "PostgreSQL peer: " + Durability.ON_DISK.title());
    assertThat(report.sections()).allSatisfy(s -> assertThat(s.comparisons())
        .extracting(Comparison::name).contains("single append p50", "single append p99",
            "replay one actor of 300 events", "catch-up over the namespace")
        .anyMatch(name -> name.contains("one per transaction")));
  }
}
