package one.flowmade.aether.bus;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import one.flowmade.aether.Limits;

/**
 * Which actors' events a subscription receives, matched against the whole actor id, character by
 * character (case-sensitive, no normalisation):
 *
 * <ul>
 *   <li>{@link #any()} matches every actor;
 *   <li>{@link #exactly(String)} and {@link #oneOf(Collection)} match the listed ids exactly. The
 *       NATS bus filters these on the server (a subject per actor);
 *   <li>{@link #prefix(String)} matches ids that start with the prefix ({@link
 *       String#startsWith(String)}); {@code *}, {@code >} and {@code .} have no special meaning;
 *   <li>{@link #matching(Pattern)} matches ids the regular expression matches as a whole ({@link
 *       java.util.regex.Matcher#matches()}).
 * </ul>
 *
 * <p>Prefixes and regular expressions are applied in the subscriber's process. Actor ids may hold
 * any character, so no wildcard syntax is reserved inside them.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface ActorPattern {

  /**
   * Matches every actor.
   *
   * @return the pattern
   */
  static ActorPattern any() {
    return Any.INSTANCE;
  }

  /**
   * Matches one actor id exactly.
   *
   * @param actorId the actor id
   * @return the pattern
   * @throws IllegalArgumentException if the actor id is invalid
   */
  static ActorPattern exactly(String actorId) {
    return new Exact(Set.of(Limits.checkActorId(actorId)));
  }

  /**
   * Matches any of several actor ids exactly.
   *
   * @param actorIds the actor ids, at least one
   * @return the pattern
   * @throws IllegalArgumentException if there is none or one is invalid
   */
  static ActorPattern oneOf(Collection<String> actorIds) {
    return new Exact(Set.copyOf(actorIds));
  }

  /**
   * Matches actor ids that start with a prefix.
   *
   * @param prefix the prefix, not empty
   * @return the pattern
   * @throws IllegalArgumentException if the prefix is empty
   */
  static ActorPattern prefix(String prefix) {
    return new Prefix(prefix);
  }

  /**
   * Matches actor ids a regular expression matches entirely.
   *
   * @param regex the regular expression
   * @return the pattern
   */
  static ActorPattern matching(Pattern regex) {
    return new Regex(regex);
  }

  /**
   * Returns whether an actor id matches.
   *
   * @param actorId the actor id
   * @return true if events of that actor are received
   */
  boolean matches(String actorId);

  /** Every actor. */
  enum Any implements ActorPattern {
    /** The only instance. */
    INSTANCE;

    @Override
    public boolean matches(String actorId) {
      return true;
    }
  }

  /**
   * Exact actor ids.
   *
   * @param actorIds the ids, at least one
   */
  record Exact(Set<String> actorIds) implements ActorPattern {

    /**
     * Validates and copies the ids.
     *
     * @throws IllegalArgumentException if there is none or one is invalid
     */
    public Exact {
      actorIds = Set.copyOf(actorIds);
      if (actorIds.isEmpty()) {
        throw new IllegalArgumentException("at least one actor id is required");
      }
      actorIds.forEach(Limits::checkActorId);
    }

    @Override
    public boolean matches(String actorId) {
      return actorIds.contains(actorId);
    }

    /**
     * Returns the ids in a stable order.
     *
     * @return the sorted ids
     */
    public List<String> sorted() {
      return actorIds.stream().sorted().toList();
    }
  }

  /**
   * Actor ids that start with a prefix.
   *
   * @param prefix the prefix, not empty
   */
  record Prefix(String prefix) implements ActorPattern {

    /**
     * Validates the prefix.
     *
     * @throws IllegalArgumentException if the prefix is empty
     */
    public Prefix {
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("prefix must not be empty; use ActorPattern.any()");
      }
    }

    @Override
    public boolean matches(String actorId) {
      return actorId.startsWith(prefix);
    }
  }

  /**
   * Actor ids a regular expression matches entirely.
   *
   * @param regex the regular expression
   */
  record Regex(Pattern regex) implements ActorPattern {

    /**
     * Checks the expression.
     *
     * @throws NullPointerException if {@code regex} is null
     */
    public Regex {
      Objects.requireNonNull(regex, "regex");
    }

    @Override
    public boolean matches(String actorId) {
      return regex.matcher(actorId).matches();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Regex other && regex.pattern().equals(other.regex.pattern())
          && regex.flags() == other.regex.flags();
    }

    @Override
    public int hashCode() {
      return regex.pattern().hashCode() * 31 + regex.flags();
    }
  }
}
