package one.flowmade.aether.bus;

import java.util.Objects;
import one.flowmade.aether.Namespace;

/**
 * Which namespaces a subscription receives: exactly one, or explicitly all of them. There is no
 * prefix or wildcard form, so a subscription to {@code a} never receives the events of {@code
 * a-b}, {@code a_b} or {@code ab}.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface NamespacePattern {

  /**
   * Matches one namespace.
   *
   * @param namespace the namespace
   * @return the pattern
   */
  static NamespacePattern exactly(Namespace namespace) {
    return new Exactly(namespace);
  }

  /**
   * Matches every namespace, including those created after the subscription.
   *
   * @return the pattern
   */
  static NamespacePattern all() {
    return All.INSTANCE;
  }

  /**
   * Returns whether the pattern matches a namespace.
   *
   * @param namespace the namespace
   * @return true if events of that namespace are received
   */
  boolean matches(Namespace namespace);

  /**
   * One namespace.
   *
   * @param namespace the namespace
   */
  record Exactly(Namespace namespace) implements NamespacePattern {

    /**
     * Checks the namespace.
     *
     * @throws NullPointerException if {@code namespace} is null
     */
    public Exactly {
      Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    public boolean matches(Namespace other) {
      return namespace.equals(other);
    }

    @Override
    public String toString() {
      return namespace.name();
    }
  }

  /** Every namespace. */
  enum All implements NamespacePattern {
    /** The only instance. */
    INSTANCE;

    @Override
    public boolean matches(Namespace namespace) {
      return true;
    }

    @Override
    public String toString() {
      return "*";
    }
  }
}
