package one.flowmade.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import org.junit.jupiter.api.Test;

final class EventFilterTest {

  private static final Namespace NS = Namespace.of("ns");

  private static BusEvent event(String actorId, String type) {
    return BusEvent.of(NS, actorId, type, Payload.empty());
  }

  @Test
  void all_matchesEveryEvent() {
    assertThat(EventFilter.all().matches(event("a", "T"))).isTrue();
  }

  @Test
  void types_matchExactlyAndCaseSensitively() {
    EventFilter filter = EventFilter.ofTypes("Placed", "Shipped");

    assertThat(filter.matches(event("a", "Placed"))).isTrue();
    assertThat(filter.matches(event("a", "placed"))).isFalse();
    assertThat(filter.matches(event("a", "Placed2"))).isFalse();
  }

  @Test
  void exactActors_matchOnlyTheListedIds() {
    EventFilter filter = EventFilter.ofActors(ActorPattern.oneOf(List.of("order.1", "order.2")));

    assertThat(filter.matches(event("order.1", "T"))).isTrue();
    assertThat(filter.matches(event("order.10", "T"))).isFalse();
  }

  @Test
  void prefix_treatsWildcardCharactersLiterally() {
    ActorPattern prefix = ActorPattern.prefix("order.*");

    assertThat(prefix.matches("order.*1")).isTrue();
    assertThat(prefix.matches("order.1")).isFalse();
  }

  @Test
  void regex_mustMatchTheWholeId() {
    ActorPattern regex = ActorPattern.matching(Pattern.compile("order-\\d+"));

    assertThat(regex.matches("order-12")).isTrue();
    assertThat(regex.matches("order-12x")).isFalse();
    assertThat(regex).isEqualTo(ActorPattern.matching(Pattern.compile("order-\\d+")));
  }

  @Test
  void typesAndActors_mustBothMatch() {
    EventFilter filter = EventFilter.ofTypes("T").withActors(ActorPattern.exactly("a"));

    assertThat(filter.matches(event("a", "T"))).isTrue();
    assertThat(filter.matches(event("b", "T"))).isFalse();
    assertThat(filter.matches(event("a", "U"))).isFalse();
  }

  @Test
  void invalidInputs_areRejectedAtOnce() {
    assertThatThrownBy(() -> EventFilter.ofTypes(new String[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EventFilter.ofTypes("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActorPattern.oneOf(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActorPattern.prefix(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void namespacePattern_exactlyNeverMatchesSimilarNames() {
    NamespacePattern a = NamespacePattern.exactly(Namespace.of("a"));

    assertThat(a.matches(Namespace.of("a"))).isTrue();
    assertThat(List.of("a-b", "a_b", "ab").stream().map(Namespace::of).map(a::matches))
        .containsOnly(false);
    assertThat(NamespacePattern.all().matches(Namespace.of("zz"))).isTrue();
  }
}
