package one.flowmade.aether.nats.internal;

import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.UnsafeStreamException.Violation;
import org.jspecify.annotations.Nullable;

/**
 * The adoption check every Aether component runs when it opens an existing stream or bucket: a
 * stream whose configuration could leak the namespace's data or bring other data in is refused.
 * Within one NATS account these settings act with the account's rights, not the user's, so a
 * user who could change them could read or forge another namespace's events.
 *
 * <p>Checked fields (names as the server's JSON has them), against the configuration Aether
 * requires ({@link AetherStreams}):
 *
 * <ul>
 *   <li>{@code subjects}: exactly the required ones (a wider set captures others' subjects);
 *   <li>{@code sources}: none (sources copy other streams' messages in);
 *   <li>{@code mirror}: none;
 *   <li>{@code republish}: none, or exactly the required one (the event stream republishes its
 *       own events to its own bus subjects; any other destination forges elsewhere);
 *   <li>{@code subject_transform}: none (it rewrites subjects on the way in);
 *   <li>{@code allow_direct}: false where Aether requires it false (direct gets are answered by
 *       any replica, and by mirrors that set {@code mirror_direct});
 *   <li>{@code mirror_direct}: false.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class StreamAdoption {

  private static final String NONE = "none";

  private StreamAdoption() {}

  /**
   * Returns the fields of {@code found} that could leak or forge, compared with {@code
   * required}.
   *
   * @param found the existing stream's configuration
   * @param required what Aether requires of it
   * @return the violations, empty if the stream is safe to adopt
   */
  public static List<Violation> violations(StreamConfiguration found,
      StreamConfiguration required) {
    List<Violation> v = new ArrayList<>();
    if (!new HashSet<>(found.getSubjects()).equals(new HashSet<>(required.getSubjects()))) {
      v.add(new Violation("subjects", found.getSubjects().toString(),
          "exactly " + required.getSubjects()));
    }
    if (found.getSources() != null && !found.getSources().isEmpty()) {
      List<String> sources = new ArrayList<>();
      for (Source s : found.getSources()) {
        sources.add(describe(s.getName(), s.getExternal() == null ? null
            : s.getExternal().getApi()));
      }
      v.add(new Violation("sources", sources.toString(), NONE));
    }
    if (found.getMirror() != null) {
      v.add(new Violation("mirror", describe(found.getMirror().getName(),
          found.getMirror().getExternal() == null ? null
              : found.getMirror().getExternal().getApi()), NONE));
    }
    Republish republish = found.getRepublish();
    if (republish != null && !same(republish, required.getRepublish())) {
      v.add(new Violation("republish", describe(republish), required.getRepublish() == null
          ? NONE : describe(required.getRepublish()) + " or none"));
    }
    SubjectTransform transform = found.getSubjectTransform();
    if (transform != null) {
      v.add(new Violation("subject_transform", transform.getSource() + " -> "
          + transform.getDestination(), NONE));
    }
    if (found.getAllowDirect() && !required.getAllowDirect()) {
      v.add(new Violation("allow_direct", "true", "false"));
    }
    if (found.getMirrorDirect()) {
      v.add(new Violation("mirror_direct", "true", "false"));
    }
    return v;
  }

  /**
   * Refuses {@code found} if it has {@linkplain #violations violations}.
   *
   * @param found the existing stream's configuration
   * @param required what Aether requires of it
   * @param component the component opening it, for the message, e.g. {@code "the event store of
   *     namespace 'orders'"}
   * @throws UnsafeStreamException naming the stream and every offending field and value
   */
  public static void check(StreamConfiguration found, StreamConfiguration required,
      String component) {
    List<Violation> v = violations(found, required);
    if (!v.isEmpty()) {
      throw new UnsafeStreamException(found.getName(), component, v);
    }
  }

  private static boolean same(Republish a, Republish b) {
    return b != null && a.getSource().equals(b.getSource())
        && a.getDestination().equals(b.getDestination()) && a.isHeadersOnly() == b.isHeadersOnly();
  }

  private static String describe(Republish r) {
    return r.getSource() + " -> " + r.getDestination() + (r.isHeadersOnly() ? " (headers only)"
        : "");
  }

  private static String describe(String stream, @Nullable String externalApi) {
    return externalApi == null ? stream : stream + " (external api " + externalApi + ")";
  }
}
