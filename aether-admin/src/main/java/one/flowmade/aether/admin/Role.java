package one.flowmade.aether.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * What a NATS user of a namespace may do.
 *
 * <ul>
 *   <li>{@link #APPLICATION}: everything Aether does at run time — append (publish to the event
 *       subjects), read ({@code $JS.API.STREAM.MSG.GET} and {@code $JS.API.DIRECT.GET} on its own
 *       streams), ephemeral, ordered and durable consumers on its own streams (a durable the
 *       provisioning role made is adopted as it is; the role may still create durables, see
 *       {@link #publishAllow}), snapshots, the cluster and checkpoint buckets and the
 *       application's own declared buckets ({@link NamespaceResources#withBucket}; get, put,
 *       watch), bus and cluster subjects, and its
 *       private inbox — and
 *       nothing that changes where data flows: no stream or bucket create, update, delete or purge.
 *   <li>{@link #PROVISIONING}: create, update and inspect the namespace's own streams, buckets and
 *       consumers; never delete or purge, never publish or read events.
 * </ul>
 *
 * <p>Thread-safe (an enum).
 */
public enum Role {
  /** The role Aether's components run with. */
  APPLICATION,
  /** The role that creates and updates the namespace's streams, bucket and consumers. */
  PROVISIONING;

  /**
   * Returns the subjects a user of this role may publish to.
   *
   * @param r the namespace's resources
   * @return the publish allow list
   */
  public List<String> publishAllow(NamespaceResources r) {
    List<String> pub = new ArrayList<>();
    pub.add("$JS.API.INFO");
    pub.add(r.inboxPrefix() + ".>");
    if (this == APPLICATION) {
      pub.add(r.eventSubjects());
      pub.add(r.busSubjects());
      pub.add(r.snapshotSubjects());
      pub.add(r.clusterSubjects());
      pub.add(r.clusterBucketSubjects());
      pub.add(r.checkpointBucketSubjects());
      for (String bucket : r.applicationBuckets()) {
        pub.add("$KV." + bucket + ".>");
      }
    }
    for (String s : r.streams()) {
      pub.add("$JS.API.STREAM.INFO." + s);
      if (this == PROVISIONING) {
        pub.add("$JS.API.STREAM.CREATE." + s);
        pub.add("$JS.API.STREAM.UPDATE." + s);
      } else {
        pub.add("$JS.API.STREAM.MSG.GET." + s);
        pub.add("$JS.API.DIRECT.GET." + s);
        pub.add("$JS.API.DIRECT.GET." + s + ".>");
      }
      pub.add("$JS.API.CONSUMER.CREATE." + s);
      pub.add("$JS.API.CONSUMER.CREATE." + s + ".>");
      // The application role keeps this although durables can be provisioned: jnats sends a
      // durable with several filter subjects here, also when a durable subscription recreates
      // its consumer after unacknowledged deliveries; and withholding it would not stop the role
      // from creating durables, which CONSUMER.CREATE.<stream>.<name> (needed by ordered
      // consumers) creates as well (docs/security.md, Limits).
      pub.add("$JS.API.CONSUMER.DURABLE.CREATE." + s + ".>");
      pub.add("$JS.API.CONSUMER.INFO." + s + ".>");
      if (this == APPLICATION) {
        // Ephemeral and ordered consumers are deleted by the client that made them.
        pub.add("$JS.API.CONSUMER.DELETE." + s + ".>");
        pub.add("$JS.API.CONSUMER.MSG.NEXT." + s + ".>");
        pub.add("$JS.ACK." + s + ".>");
        pub.add("$JS.FC." + s + ".>");
      }
    }
    return List.copyOf(pub);
  }

  /** The namespace's streams and the projections' checkpoint bucket's stream. */
  /**
   * Returns the subjects a user of this role may subscribe to.
   *
   * @param r the namespace's resources
   * @return the subscribe allow list
   */
  public List<String> subscribeAllow(NamespaceResources r) {
    if (this == PROVISIONING) {
      return List.of(r.inboxPrefix() + ".>");
    }
    return List.of(r.eventSubjects(), r.busSubjects(), r.clusterSubjects(),
        r.inboxPrefix() + ".>");
  }
}
