package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.bus.ActorPattern;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import org.junit.jupiter.api.Test;

final class BusSubjectsTest {

  private static final NamespacePattern A = NamespacePattern.exactly(Namespace.of("a"));

  @Test
  void noFilter_listensToTheWholeNamespace_onItsBusSubjects() {
    assertThat(BusSubjects.of(A, EventFilter.all())).containsExactly("aether.bus.a.>");
  }

  @Test
  void appendSubjectsMode_alsoListensToTheStoresSubjects() {
    assertThat(BusSubjects.of(A, EventFilter.ofTypes("T"),
        NatsEventBus.StoredEvents.APPEND_SUBJECTS))
        .containsExactly("aether.ev.a.*.T", "aether.bus.a.*.T");
  }

  @Test
  void allNamespaces_useAWildcardNamespaceToken() {
    assertThat(BusSubjects.of(NamespacePattern.all(), EventFilter.all()))
        .containsExactly("aether.bus.*.>");
  }

  @Test
  void typeFilter_becomesOneSubjectPerEncodedType() {
    assertThat(BusSubjects.of(A, EventFilter.ofTypes("Placed", "Order.shipped")))
        .containsExactly("aether.bus.a.*.Order=2Eshipped", "aether.bus.a.*.Placed");
  }

  @Test
  void exactActors_becomeOneSubjectPerEncodedActor() {
    assertThat(BusSubjects.of(A, EventFilter.ofActors(ActorPattern.oneOf(List.of("o.1", "o 2")))))
        .containsExactly("aether.bus.a.o=202.*", "aether.bus.a.o=2E1.*");
  }

  @Test
  void exactActorsAndTypes_becomePairsWhileFew() {
    assertThat(BusSubjects.of(A, EventFilter.ofTypes("T").withActors(ActorPattern.exactly("x"))))
        .containsExactly("aether.bus.a.x.T");
  }

  @Test
  void manyPairs_filterTheSmallerDimensionOnTheServer() {
    List<String> actors = IntStream.range(0, 100).mapToObj(i -> "actor" + i).toList();
    EventFilter filter = EventFilter.ofTypes("T1", "T2").withActors(ActorPattern.oneOf(actors));

    assertThat(BusSubjects.of(A, filter))
        .containsExactly("aether.bus.a.*.T1", "aether.bus.a.*.T2");
  }

  @Test
  void prefixAndRegexActors_areFilteredInTheClient() {
    assertThat(BusSubjects.of(A, EventFilter.ofActors(ActorPattern.prefix("o"))))
        .containsExactly("aether.bus.a.>");
    assertThat(BusSubjects.of(A, EventFilter.ofTypes("T")
        .withActors(ActorPattern.matching(Pattern.compile(".*")))))
        .containsExactly("aether.bus.a.*.T");
  }
}
