package one.flowmade.aether;

import java.util.List;
import java.util.Objects;

/**
 * A stream or key-value bucket that an Aether component (event store, snapshot store, NATS bus,
 * cluster node, checkpoint store) would adopt exists with a configuration that could leak the
 * namespace's data elsewhere or bring other data in: stream {@code sources} or a {@code mirror},
 * a {@code republish} other than Aether's own, a subject transform, subjects other than the
 * namespace's, or direct gets Aether does not expect. Within one NATS account these settings act
 * with the account's rights, not the user's, so the component refuses the stream rather than
 * read from or write to it. Nothing was changed.
 *
 * <p>The message and {@link #violations()} name the stream, every offending field, the value
 * found and what Aether requires. What to do: find out who changed the stream (it may be an
 * attack), then restore it with {@code aether-admin}'s {@code Provisioner.apply()} (see {@code
 * docs/operations.md}, Provisioning) or {@code nats stream edit}. Retrying does not help.
 */
public final class UnsafeStreamException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /** The stream refused. */
  private final String stream;
  /** One entry per offending field. */
  private final Violation[] violations;

  /**
   * Creates the exception.
   *
   * @param stream the stream's name (for a bucket, its stream {@code KV_<bucket>})
   * @param what the component that refused it, e.g. {@code "the event store of namespace
   *     'orders'"}
   * @param violations the offending fields, at least one
   * @throws IllegalArgumentException if {@code violations} is empty
   */
  public UnsafeStreamException(String stream, String what, List<Violation> violations) {
    super(message(stream, what, violations), null);
    this.stream = stream;
    this.violations = violations.toArray(new Violation[0]);
  }

  private static String message(String stream, String what, List<Violation> violations) {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(what, "what");
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("no violations");
    }
    StringBuilder b = new StringBuilder(what).append(" refuses stream '").append(stream)
        .append("': its configuration could leak or forge data: ");
    for (int i = 0; i < violations.size(); i++) {
      b.append(i == 0 ? "" : "; ").append(violations.get(i));
    }
    return b.append(". Nothing was changed; find out who changed the stream, then restore it with"
        + " aether-admin's Provisioner.apply() (docs/operations.md, Provisioning) or 'nats stream"
        + " edit'")
        .toString();
  }

  /**
   * Returns the name of the stream refused.
   *
   * @return the stream name
   */
  public String stream() {
    return stream;
  }

  /**
   * Returns the offending fields.
   *
   * @return the violations, never empty
   */
  public List<Violation> violations() {
    return List.of(violations);
  }

  /**
   * One offending field of a stream's configuration.
   *
   * @param field the field as the NATS server names it in JSON, e.g. {@code sources}, {@code
   *     republish}, {@code allow_direct}
   * @param found the value found
   * @param required what Aether requires
   */
  public record Violation(String field, String found, String required)
      implements java.io.Serializable {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if a part is null
     */
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(found, "found");
      Objects.requireNonNull(required, "required");
    }

    /** Returns {@code <field> is <found>, required <required>}. */
    @Override
    public String toString() {
      return field + " is " + found + ", required " + required;
    }
  }
}
