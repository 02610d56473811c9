package one.flowmade.aether.bus.nats;

import java.util.ArrayList;
import java.util.List;
import one.flowmade.aether.bus.ActorPattern;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The NATS subjects a bus subscription listens on, so that the server does as much of the
 * filtering as the subject layout allows: the namespace token always (or {@code *} for all
 * namespaces), the type token for a type filter, the actor token for exact actors. Each set of
 * subjects is listened to under {@code aether.bus} (events published on the bus and stored events
 * the stream republishes) and, in {@link NatsEventBus.StoredEvents#APPEND_SUBJECTS} mode, also
 * under {@code aether.ev} (append attempts). The subjects of one subscription never overlap, so a
 * message is received at most once. Stateless.
 */
final class BusSubjects {

  /** Above this many actor × type pairs, one dimension is filtered in the client instead. */
  static final int MAX_PAIRS = 64;
  /** Above this many actors or types, that dimension is filtered in the client instead. */
  static final int MAX_TOKENS = 256;

  private BusSubjects() {}

  static List<String> of(NamespacePattern namespaces, EventFilter filter) {
    return of(namespaces, filter, NatsEventBus.StoredEvents.REPUBLISHED);
  }

  static List<String> of(NamespacePattern namespaces, EventFilter filter,
      NatsEventBus.StoredEvents storedEvents) {
    String namespace = namespaces instanceof NamespacePattern.Exactly exactly
        ? exactly.namespace().name() : "*";
    List<String> actors = filter.actors() instanceof ActorPattern.Exact exact
        && exact.actorIds().size() <= MAX_TOKENS
        ? exact.sorted().stream().map(SubjectLayout::actorToken).toList() : null;
    List<String> types = !filter.types().isEmpty() && filter.types().size() <= MAX_TOKENS
        ? filter.types().stream().sorted().map(SubjectLayout::typeToken).toList() : null;
    List<String> tails = new ArrayList<>();
    if (actors != null && types != null && actors.size() * types.size() <= MAX_PAIRS) {
      for (String actor : actors) {
        for (String type : types) {
          tails.add(actor + '.' + type);
        }
      }
    } else if (actors != null && (types == null || actors.size() <= types.size())) {
      actors.forEach(actor -> tails.add(actor + ".*"));
    } else if (types != null) {
      types.forEach(type -> tails.add("*." + type));
    } else {
      tails.add(">");
    }
    List<String> subjects = new ArrayList<>(tails.size() * 2);
    List<String> kinds = storedEvents == NatsEventBus.StoredEvents.APPEND_SUBJECTS
        ? List.of(SubjectLayout.EVENTS, SubjectLayout.BUS) : List.of(SubjectLayout.BUS);
    for (String kind : kinds) {
      String prefix = SubjectLayout.ROOT + '.' + kind + '.' + namespace + '.';
      tails.forEach(tail -> subjects.add(prefix + tail));
    }
    return subjects;
  }
}
