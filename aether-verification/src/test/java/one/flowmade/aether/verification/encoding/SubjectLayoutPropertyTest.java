package one.flowmade.aether.verification.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.verification.testing.Subjects;

/**
 * {@link SubjectLayout} keeps namespaces, actors and types apart: subjects parse back to what made
 * them, distinct triples never share a subject, and each filter matches exactly its own events.
 */
final class SubjectLayoutPropertyTest {

  @Provide
  Arbitrary<String> identifiers() {
    return Identifiers.strings(12);
  }

  @Provide
  Arbitrary<Namespace> namespaces() {
    return Identifiers.namespaceNames().map(Namespace::of);
  }

  @Property(tries = 500)
  void parse_ofEventSubject_returnsItsParts(@ForAll("namespaces") Namespace ns,
      @ForAll("identifiers") String actor, @ForAll("identifiers") String type) {
    SubjectLayout.Parsed parsed = SubjectLayout.parse(SubjectLayout.eventSubject(ns, actor, type));

    assertThat(parsed).isEqualTo(new SubjectLayout.Parsed(true, ns, actor, type));
  }

  @Property(tries = 500)
  void parse_ofBusSubject_returnsItsParts(@ForAll("namespaces") Namespace ns,
      @ForAll("identifiers") String actor, @ForAll("identifiers") String type) {
    SubjectLayout.Parsed parsed = SubjectLayout.parse(SubjectLayout.busSubject(ns, actor, type));

    assertThat(parsed).isEqualTo(new SubjectLayout.Parsed(false, ns, actor, type));
  }

  @Property(tries = 1000)
  void eventSubject_ofDistinctTriples_differs(
      @ForAll("namespaces") Namespace ns1, @ForAll("identifiers") String actor1,
      @ForAll("identifiers") String type1,
      @ForAll("namespaces") Namespace ns2, @ForAll("identifiers") String actor2,
      @ForAll("identifiers") String type2) {
    Assume.that(!(ns1.equals(ns2) && actor1.equals(actor2) && type1.equals(type2)));

    assertThat(SubjectLayout.eventSubject(ns1, actor1, type1))
        .isNotEqualTo(SubjectLayout.eventSubject(ns2, actor2, type2));
  }

  @Property(tries = 500)
  void allEvents_matchesExactlyItsOwnNamespace(
      @ForAll("namespaces") Namespace filterNs, @ForAll("namespaces") Namespace ns,
      @ForAll("identifiers") String actor, @ForAll("identifiers") String type) {
    String subject = SubjectLayout.eventSubject(ns, actor, type);

    assertThat(Subjects.matches(SubjectLayout.allEvents(filterNs), subject))
        .isEqualTo(filterNs.equals(ns));
    assertThat(Subjects.matches(SubjectLayout.allEvents(filterNs),
        SubjectLayout.busSubject(ns, actor, type))).isFalse();
  }

  @Property(tries = 500)
  void actorEvents_matchesExactlyThatActor(@ForAll("namespaces") Namespace ns,
      @ForAll("identifiers") String filterActor, @ForAll("identifiers") String actor,
      @ForAll("identifiers") String type) {
    String subject = SubjectLayout.eventSubject(ns, actor, type);

    assertThat(Subjects.matches(SubjectLayout.actorEvents(ns, filterActor), subject))
        .isEqualTo(filterActor.equals(actor));
  }

  @Property(tries = 500)
  void typeEvents_matchesExactlyThatType(@ForAll("namespaces") Namespace ns,
      @ForAll("identifiers") String filterType, @ForAll("identifiers") String actor,
      @ForAll("identifiers") String type) {
    String subject = SubjectLayout.eventSubject(ns, actor, type);

    assertThat(Subjects.matches(SubjectLayout.typeEvents(ns, filterType), subject))
        .isEqualTo(filterType.equals(type));
  }

  @Property(tries = 500)
  void eventSubject_ofLongestIdentifiers_fitsAProtocolLine(@ForAll("namespaces") Namespace ns) {
    String actor = "\u00e9".repeat(Limits.MAX_ACTOR_ID_BYTES / 2);
    String type = "\ud83d\ude00".repeat(Limits.MAX_EVENT_TYPE_BYTES / 4);

    // nats-server's default max_control_line is 4096 bytes, and a PUB line carries more.
    assertThat(SubjectLayout.eventSubject(ns, actor, type).length()).isLessThan(2048);
  }

  @Property(tries = 500)
  void streamName_isDistinctAndSafe(
      @ForAll("namespaces") Namespace a, @ForAll("namespaces") Namespace b) {
    assertThat(SubjectLayout.streamName(a)).matches("AETHER_[a-z0-9_-]+");
    assertThat(SubjectLayout.streamName(a).equals(SubjectLayout.streamName(b)))
        .isEqualTo(a.equals(b));
  }
}
