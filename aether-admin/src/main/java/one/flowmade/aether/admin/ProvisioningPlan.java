package one.flowmade.aether.admin;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Provisioner#plan()} found: for each stream, bucket and declared durable consumer a
 * namespace needs, whether it is missing, matches what Aether needs, or differs (and in which
 * fields). Immutable and thread-safe.
 *
 * @param resources one entry per stream, bucket or durable, in a fixed order: event stream,
 *     snapshot stream, cluster bucket, checkpoint bucket, then the declared durable consumers by
 *     name
 */
public record ProvisioningPlan(List<Resource> resources) {

  /** The state of one stream, bucket or durable consumer. */
  public enum Status {
    /** It does not exist; {@link Provisioner#apply()} creates it. */
    MISSING,
    /** It exists as Aether needs it; nothing to do. */
    MATCHES,
    /** It exists with {@linkplain Resource#differences() differences}; apply updates it. */
    DIFFERS
  }

  /**
   * One field of an existing stream or consumer that is not what Aether needs.
   *
   * @param field the field's name as the server's JSON has it, e.g. {@code republish}
   * @param found the value found
   * @param wanted the value Aether needs
   */
  public record Difference(String field, String found, String wanted) {
    /**
     * Checks the values are given.
     *
     * @throws NullPointerException if one is null
     */
    public Difference {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(found, "found");
      Objects.requireNonNull(wanted, "wanted");
    }

    @Override
    public String toString() {
      return field + ": found " + found + ", wanted " + wanted;
    }
  }

  /**
   * One stream, bucket or durable consumer.
   *
   * @param kind what it is, e.g. {@code "event stream"}, {@code "cluster bucket"} or {@code
   *     "durable consumer"}
   * @param stream the stream's name (a bucket's is {@code KV_<bucket>}); for a durable consumer
   *     {@code <stream> > <consumer>}, e.g. {@code AETHER_orders > aether-sub-billing}
   * @param status missing, matches or differs
   * @param differences the fields that differ, empty unless {@link Status#DIFFERS}
   */
  public record Resource(String kind, String stream, Status status,
      List<Difference> differences) {
    /**
     * Copies the differences.
     *
     * @throws NullPointerException if an argument is null
     */
    public Resource {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(stream, "stream");
      Objects.requireNonNull(status, "status");
      differences = List.copyOf(differences);
    }
  }

  /**
   * Copies the list.
   *
   * @throws NullPointerException if it is null
   */
  public ProvisioningPlan {
    resources = List.copyOf(resources);
  }

  /**
   * Returns whether every stream, bucket and durable exists as Aether needs it (nothing to
   * apply).
   *
   * @return true if all match
   */
  public boolean upToDate() {
    return resources.stream().allMatch(r -> r.status() == Status.MATCHES);
  }

  /**
   * Returns the plan as text, one line per resource and one indented line per difference, e.g.
   * {@code "DIFFERS  event stream AETHER_orders"} then {@code "  republish: found ..., wanted
   * ..."}.
   *
   * @return the text, ending with a newline
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    for (Resource r : resources) {
      out.append(String.format("%-8s", r.status())).append(' ').append(r.kind()).append(' ')
          .append(r.stream()).append('\n');
      for (Difference d : r.differences()) {
        out.append("  ").append(d).append('\n');
      }
    }
    return out.toString();
  }
}
