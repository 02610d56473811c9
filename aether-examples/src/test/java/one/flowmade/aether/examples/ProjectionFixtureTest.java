package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.testkit.projection.ProjectionFixture;
import org.junit.jupiter.api.Test;

/**
 * The testkit's {@link ProjectionFixture} itself (here because its tests need the in-memory
 * store, which depends on the testkit).
 */
final class ProjectionFixtureTest {

  record Added(long amount) {}

  record Noted(String text) {}

  static final EventCodec CODEC = JacksonEventCodec.builder()
      .register("added", Added.class)
      .register("noted", Noted.class)
      .build();

  private final Map<String, Long> totals = new ConcurrentHashMap<>();

  private ProjectionFixture.Builder fixture() {
    return ProjectionFixture.builder()
        .eventStore(InMemoryEventStore.builder().namespace(Namespace.of("fixture")).build())
        .codec(CODEC)
        .timeout(Duration.ofSeconds(5));
  }

  private Projection.Builder totals() {
    return Projection.builder().name("totals").codec(CODEC)
        .on(Added.class, (added, ctx) ->
            totals.merge(ctx.event().actorId(), added.amount(), Long::sum));
  }

  @Test
  void then_seesEveryGivenEvent_evenWhenTheLastOnesHaveNoHandler() {
    try (ProjectionFixture fixture = fixture().projection(this::totals).build()) {
      fixture.given("a", new Added(1), new Added(2))
          .given("b", new Added(10))
          .given("a", new Noted("not handled"), new Noted("neither"))
          .then(() -> assertThat(totals).containsOnly(Map.entry("a", 3L), Map.entry("b", 10L)));
      assertThat(fixture.status().state()).isEqualTo(ProjectionState.LIVE);
      assertThat(fixture.status().applied()).isEqualTo(3);
    }
  }

  @Test
  void givenAfterThen_isAppliedLive_andTheNextThenWaitsForIt() {
    try (ProjectionFixture fixture = fixture().projection(this::totals).build()) {
      fixture.given("a", new Added(1)).then(() -> assertThat(totals).containsEntry("a", 1L));
      for (int i = 0; i < 50; i++) {
        fixture.given("a", new Added(1));
      }
      fixture.then(() -> assertThat(totals).containsEntry("a", 51L));
    }
  }

  @Test
  void failingExpectation_isAnAssertionError_namingTheProjectionItsStatusAndTheGivenEvents() {
    try (ProjectionFixture fixture = fixture().projection(this::totals).build()) {
      fixture.given("a", new Added(1), new Added(2));

      assertThatThrownBy(() -> fixture.then(() -> assertThat(totals).containsEntry("a", 4L)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("the read model of projection 'totals' is not as expected")
          .hasMessageContaining("LIVE at position 2, applied 2")
          .hasMessageContaining("1 a added Added[amount=1]")
          .hasMessageContaining("2 a added Added[amount=2]")
          .cause().isInstanceOf(AssertionError.class).hasMessageContaining("4L");
    }
  }

  @Test
  void handlerFailure_withTheDefaultPolicy_failsThenWithTheProjectionsError() {
    try (ProjectionFixture fixture = fixture().projection(() -> Projection.builder()
        .name("strict").codec(CODEC)
        .errorPolicy(ErrorPolicy.stop().withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1)))
        .on(Added.class, (added, ctx) -> {
          if (added.amount() < 0) {
            throw new IllegalArgumentException("negative amount " + added.amount());
          }
        })).build()) {
      fixture.given("a", new Added(1), new Added(-5));

      assertThatThrownBy(() -> fixture.then(() -> { }))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("projection 'strict' stopped with an error")
          .hasMessageContaining("negative amount -5")
          .hasMessageContaining("2 a added Added[amount=-5]");
    }
  }

  @Test
  void thenFailed_passesWhenTheProjectionStops_andFailsWhenItDoesNot() {
    List<Event> seen = new CopyOnWriteArrayList<>();
    try (ProjectionFixture fixture = fixture().projection(() -> Projection.builder()
        .name("typed").codec(CODEC)
        .on(Added.class, (added, ctx) -> seen.add(ctx.event()))).build()) {
      fixture.given("a", new Added(1));
      assertThatThrownBy(() -> fixture.thenFailed(status -> { }))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("expected projection 'typed' to stop with an error, but it"
              + " applied every given event");

      fixture.given("a", NewEvent.of("added", Payload.json("{not json")))
          .thenFailed(status -> assertThat(status.lastError()).hasValueSatisfying(error ->
              assertThat(error).contains("position 2").contains("could not be decoded")));
      assertThat(seen).hasSize(1);
    }
  }

  @Test
  void given_withoutCodec_saysWhatIsMissing() {
    try (ProjectionFixture fixture = ProjectionFixture.builder()
        .eventStore(InMemoryEventStore.builder().namespace(Namespace.of("fixture")).build())
        .projection(this::totals).build()) {
      assertThatThrownBy(() -> fixture.given("a", new Added(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has no codec");
    }
    assertThatThrownBy(() -> ProjectionFixture.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("an event store")
        .hasMessageContaining("the projection under test");
  }
}
