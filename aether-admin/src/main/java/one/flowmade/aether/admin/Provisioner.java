package one.flowmade.aether.admin;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.SubjectTransform;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.admin.ProvisioningPlan.Difference;
import one.flowmade.aether.admin.ProvisioningPlan.Resource;
import one.flowmade.aether.admin.ProvisioningPlan.Status;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import org.jspecify.annotations.Nullable;

/**
 * Creates and updates the streams, buckets and durable consumers of one namespace as Aether needs
 * them: the event stream, the snapshot stream, the cluster's bucket, the projection checkpoint
 * bucket and the consumers of the durable subscriptions declared with {@link Builder#durable},
 * with the configurations the stores, the cluster, the checkpoint store and a durable
 * subscription themselves create (one place, {@code aether-nats}' {@code AetherStreams}). Run it with a user of the {@link
 * Role#PROVISIONING} role; Aether's components can then run with the {@link Role#APPLICATION}
 * role, which may not create or change streams.
 *
 * <pre>{@code
 * Provisioner provisioner = Provisioner.builder(adminConnection,
 *         NamespaceResources.of(Namespace.of("orders")))
 *     .replicas(3)
 *     .durable("billing", "OrderPlaced", "OrderPaid")   // a durable subscription's consumer
 *     .build();
 * ProvisioningPlan plan = provisioner.plan();   // changes nothing
 * System.out.print(plan.render());
 * provisioner.apply();                          // creates what is missing, updates what differs
 * }</pre>
 *
 * <p>{@link #plan()} only reads. {@link #apply()} creates missing streams and buckets and updates
 * differing ones (only the fields that differ; limits such as {@code max_age} set by an operator
 * are kept), is idempotent (a second apply changes nothing), and never deletes or purges a stream.
 * Compared fields: {@code subjects}, {@code retention}, {@code storage}, {@code num_replicas},
 * {@code max_msgs_per_subject}, {@code discard}, {@code allow_rollup_hdrs}, {@code deny_delete},
 * {@code allow_msg_ttl}, {@code subject_delete_marker_ttl}, {@code allow_atomic}, {@code
 * republish}, {@code sources}, {@code mirror}, {@code subject_transform}, {@code allow_direct}
 * and {@code mirror_direct}.
 *
 * <p>A durable consumer is the one a durable subscription of that name and those event types
 * ({@code SubscriptionOptions.builder().durable(name).eventTypes(types)}) opens on the event
 * stream: a pull consumer named {@code aether-sub-<name>}, filtered on the namespace's event
 * subjects of those types (all of them when none is given), explicit acks. Compared fields:
 * {@code filter_subjects}, {@code ack_policy}, {@code ack_wait}, {@code max_ack_pending} and
 * {@code deliver_subject}; where it starts is not compared (an existing durable resumes where it
 * is). A new one starts at the namespace's first event. A differing one is updated in place; one
 * the server cannot update in place (an ack policy, a push consumer) fails {@link #apply()} with
 * the server's reason, because the provisioner never deletes a consumer. Durables not declared
 * are left alone.
 *
 * <p>Thread-safe (it holds no state but its settings); the connection is not closed by it.
 */
public final class Provisioner {

  private static final String API = "$JS.API.";
  private static final String DURABLE = "durable consumer";

  /** One compared field: its JSON name, its value as text, and how to set the wanted value. */
  private record Field(String name, Function<StreamConfiguration, String> value,
      BiConsumer<StreamConfiguration.Builder, StreamConfiguration> set) {}

  private static final List<Field> FIELDS = List.of(
      new Field("subjects", c -> new TreeSet<>(c.getSubjects()).toString(),
          (b, w) -> b.subjects(w.getSubjects())),
      new Field("retention", c -> String.valueOf(c.getRetentionPolicy()),
          (b, w) -> b.retentionPolicy(w.getRetentionPolicy())),
      new Field("storage", c -> String.valueOf(c.getStorageType()),
          (b, w) -> b.storageType(w.getStorageType())),
      new Field("num_replicas", c -> Integer.toString(c.getReplicas()),
          (b, w) -> b.replicas(w.getReplicas())),
      new Field("max_msgs_per_subject", c -> Long.toString(c.getMaxMsgsPerSubject()),
          (b, w) -> b.maxMessagesPerSubject(w.getMaxMsgsPerSubject())),
      new Field("discard", c -> String.valueOf(c.getDiscardPolicy()),
          (b, w) -> b.discardPolicy(w.getDiscardPolicy())),
      new Field("allow_rollup_hdrs", c -> Boolean.toString(c.getAllowRollup()),
          (b, w) -> b.allowRollup(w.getAllowRollup())),
      new Field("deny_delete", c -> Boolean.toString(c.getDenyDelete()),
          (b, w) -> b.denyDelete(w.getDenyDelete())),
      new Field("allow_msg_ttl", c -> Boolean.toString(c.getAllowMessageTtl()),
          (b, w) -> b.allowMessageTtl(w.getAllowMessageTtl())),
      new Field("subject_delete_marker_ttl", c -> duration(c.getSubjectDeleteMarkerTtl()),
          (b, w) -> b.subjectDeleteMarkerTtl(w.getSubjectDeleteMarkerTtl())),
      new Field("allow_atomic", c -> Boolean.toString(c.getAllowAtomicPublish()),
          (b, w) -> b.allowAtomicPublish(w.getAllowAtomicPublish())),
      new Field("republish", c -> republish(c.getRepublish()),
          (b, w) -> b.republish(w.getRepublish())),
      new Field("sources", c -> sources(c.getSources()), (b, w) -> b.sources(w.getSources())),
      new Field("mirror", c -> mirror(c.getMirror()), (b, w) -> b.mirror(w.getMirror())),
      new Field("subject_transform", c -> transform(c.getSubjectTransform()),
          (b, w) -> b.subjectTransform(w.getSubjectTransform())),
      new Field("allow_direct", c -> Boolean.toString(c.getAllowDirect()),
          (b, w) -> b.allowDirect(w.getAllowDirect())),
      new Field("mirror_direct", c -> Boolean.toString(c.getMirrorDirect()),
          (b, w) -> b.mirrorDirect(w.getMirrorDirect())));

  /** A stream or bucket to provision: what it is and the configuration Aether needs. */
  private record Target(String kind, StreamConfiguration wanted) {}

  private final Connection connection;
  private final NamespaceResources resources;
  private final int replicas;
  private final StorageType storage;
  private final Duration requestTimeout;
  /** Declared durable subscriptions, by name: name to event types (empty: every type). */
  private final Map<String, Set<String>> durables;

  private Provisioner(Builder b) {
    this.connection = b.connection;
    this.resources = b.resources;
    this.replicas = b.replicas;
    this.storage = b.storage;
    this.requestTimeout = b.requestTimeout;
    this.durables = Collections.unmodifiableMap(new TreeMap<>(b.durables));
  }

  /**
   * Returns a builder.
   *
   * @param connection an open connection of a {@link Role#PROVISIONING} user of the namespace
   *     (or any user allowed to create and update its streams); not closed by the provisioner
   * @param resources the namespace (and its cluster's name) to provision
   * @return the builder
   */
  public static Builder builder(Connection connection, NamespaceResources resources) {
    return new Builder(Objects.requireNonNull(connection, "connection"),
        Objects.requireNonNull(resources, "resources"));
  }

  /**
   * Returns the namespace's resources this provisioner works on.
   *
   * @return the resources
   */
  public NamespaceResources resources() {
    return resources;
  }

  /**
   * Compares what exists with what Aether needs; changes nothing. Blocks for one stream info
   * request per stream or bucket (four) and one consumer info request per declared durable.
   *
   * @return the plan
   * @throws PermissionDeniedException if the connection's user may not read a stream's info
   * @throws AetherTransientException if the server did not answer; retry
   * @throws AetherNonTransientException if the server refused a request for another reason
   */
  public ProvisioningPlan plan() {
    JetStreamManagement jsm = jsm();
    List<Resource> out = new ArrayList<>();
    for (Target t : targets()) {
      StreamInfo info = info(jsm, t.wanted().getName());
      out.add(compare(t, info == null ? null : info.getConfiguration()));
    }
    for (ConsumerConfiguration d : durables()) {
      out.add(compareDurable(d, consumer(jsm, d.getDurable())));
    }
    return new ProvisioningPlan(out);
  }

  /**
   * Creates the missing streams, buckets and declared durable consumers and updates the differing
   * fields of existing ones; never deletes or purges. Idempotent: when everything matches it
   * sends no change. Blocks.
   *
   * @return the plan it carried out (what was found before the changes)
   * @throws PermissionDeniedException if the connection's user may not create or update a
   *     stream (it needs the {@link Role#PROVISIONING} role)
   * @throws AetherTransientException if the server did not answer; applying again is safe
   * @throws AetherNonTransientException if the server refused a change (for example a storage
   *     type, which NATS cannot change on an existing stream, or a durable's ack policy); the
   *     message names the stream or consumer and the server's reason, earlier resources stay
   *     provisioned
   */
  public ProvisioningPlan apply() {
    JetStreamManagement jsm = jsm();
    List<Resource> out = new ArrayList<>();
    for (Target t : targets()) {
      String name = t.wanted().getName();
      StreamInfo info = info(jsm, name);
      StreamConfiguration found = info == null ? null : info.getConfiguration();
      Resource r = compare(t, found);
      out.add(r);
      if (r.status() == Status.MATCHES) {
        continue;
      }
      boolean create = found == null;
      String subject = API + (create ? "STREAM.CREATE." : "STREAM.UPDATE.") + name;
      PermissionViolations.Mark mark = PermissionViolations.mark(connection);
      try {
        if (create) {
          jsm.addStream(t.wanted());
        } else {
          StreamConfiguration.Builder b = StreamConfiguration.builder(found);
          for (Field f : FIELDS) {
            if (!f.value().apply(found).equals(f.value().apply(t.wanted()))) {
              f.set().accept(b, t.wanted());
            }
          }
          jsm.updateStream(b.build());
        }
      } catch (JetStreamApiException e) {
        throw new AetherNonTransientException("could not " + (create ? "create " : "update ")
            + t.kind() + " '" + name + "': " + e.getMessage()
            + (create ? "" : " (differences: " + r.differences() + ")"), e);
      } catch (IOException e) {
        throw unanswered(mark, (create ? "create " : "update ") + t.kind() + " '" + name + "'",
            subject, e);
      }
    }
    for (ConsumerConfiguration d : durables()) {
      ConsumerConfiguration found = consumer(jsm, d.getDurable());
      Resource r = compareDurable(d, found);
      out.add(r);
      if (r.status() != Status.MATCHES) {
        writeDurable(jsm, d, found, r);
      }
    }
    return new ProvisioningPlan(out);
  }

  private List<ConsumerConfiguration> durables() {
    List<ConsumerConfiguration> out = new ArrayList<>();
    durables.forEach((name, types) ->
        out.add(AetherStreams.durable(resources.namespace(), name, types, 1)));
    return out;
  }

  private String durableLabel(ConsumerConfiguration d) {
    return resources.eventStream() + " > " + d.getDurable();
  }

  private Resource compareDurable(ConsumerConfiguration wanted,
      @Nullable ConsumerConfiguration found) {
    if (found == null) {
      return new Resource(DURABLE, durableLabel(wanted), Status.MISSING, List.of());
    }
    Map<String, String> has = AetherStreams.durableFields(found);
    List<Difference> differences = new ArrayList<>();
    AetherStreams.durableFields(wanted).forEach((field, value) -> {
      String existing = has.getOrDefault(field, "none");
      if (!value.equals(existing)) {
        differences.add(new Difference(field, existing, value));
      }
    });
    return new Resource(DURABLE, durableLabel(wanted),
        differences.isEmpty() ? Status.MATCHES : Status.DIFFERS, differences);
  }

  private void writeDurable(JetStreamManagement jsm, ConsumerConfiguration wanted,
      @Nullable ConsumerConfiguration found, Resource r) {
    String stream = resources.eventStream();
    String name = wanted.getDurable();
    boolean create = found == null;
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      if (create) {
        jsm.addOrUpdateConsumer(stream, wanted);
      } else {
        // In place: the durable keeps its position; the provisioner never deletes it.
        jsm.updateConsumer(stream, ConsumerConfiguration.builder(found)
            .filterSubjects(wanted.getFilterSubjects())
            .ackPolicy(wanted.getAckPolicy())
            .ackWait(wanted.getAckWait())
            .maxAckPending(wanted.getMaxAckPending())
            .deliverSubject(null)
            .build());
      }
    } catch (JetStreamApiException e) {
      throw new AetherNonTransientException("could not " + (create ? "create " : "update ")
          + DURABLE + " '" + name + "' of stream '" + stream + "': " + e.getMessage()
          + (create ? "" : " (differences: " + r.differences() + "; the provisioner never"
              + " deletes a consumer: delete it by hand if it must be made anew)"), e);
    } catch (IOException e) {
      throw unanswered(mark, (create ? "create " : "update ") + DURABLE + " '" + name + "'",
          List.of(API + "CONSUMER.CREATE." + stream + "." + name,
              API + "CONSUMER.DURABLE.CREATE." + stream + "." + name,
              API + "CONSUMER.CREATE." + stream + "." + name + "."
                  + wanted.getFilterSubjects().get(0)), e);
    }
  }

  private @Nullable ConsumerConfiguration consumer(JetStreamManagement jsm, String name) {
    String stream = resources.eventStream();
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      ConsumerInfo info = jsm.getConsumerInfo(stream, name);
      return info.getConsumerConfiguration();
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.CONSUMER_NOT_FOUND
          || e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
        return null;
      }
      throw new AetherNonTransientException("could not read " + DURABLE + " '" + name
          + "' of stream '" + stream + "': " + e.getMessage(), e);
    } catch (IOException e) {
      throw unanswered(mark, "read " + DURABLE + " '" + name + "'",
          List.of(API + "CONSUMER.INFO." + stream + "." + name), e);
    }
  }

  private List<Target> targets() {
    return List.of(
        new Target("event stream", configure(AetherStreams.events(resources.namespace()))),
        new Target("snapshot stream",
            configure(AetherStreams.snapshots(resources.namespace()))),
        new Target("cluster bucket",
            configure(AetherStreams.clusterBucket(resources.clusterName(), replicas))),
        new Target("checkpoint bucket", configure(AetherStreams
            .checkpointBucket(resources.namespace(), replicas).getBackingConfig())));
  }

  private StreamConfiguration configure(StreamConfiguration required) {
    return StreamConfiguration.builder(required).replicas(replicas).storageType(storage).build();
  }

  private static Resource compare(Target t, @Nullable StreamConfiguration found) {
    String name = t.wanted().getName();
    if (found == null) {
      return new Resource(t.kind(), name, Status.MISSING, List.of());
    }
    List<Difference> differences = new ArrayList<>();
    for (Field f : FIELDS) {
      String has = f.value().apply(found);
      String wanted = f.value().apply(t.wanted());
      if (!has.equals(wanted)) {
        differences.add(new Difference(f.name(), has, wanted));
      }
    }
    return new Resource(t.kind(), name, differences.isEmpty() ? Status.MATCHES : Status.DIFFERS,
        differences);
  }

  private JetStreamManagement jsm() {
    try {
      return connection.jetStreamManagement(
          JetStreamOptions.builder().requestTimeout(requestTimeout).build());
    } catch (IOException e) {
      throw new AetherTransientException("cannot use JetStream on this connection: "
          + e.getMessage(), e);
    }
  }

  private @Nullable StreamInfo info(JetStreamManagement jsm, String stream) {
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      return jsm.getStreamInfo(stream);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
        return null;
      }
      throw new AetherNonTransientException("could not read stream '" + stream + "': "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw unanswered(mark, "read stream '" + stream + "'", API + "STREAM.INFO." + stream, e);
    }
  }

  private RuntimeException unanswered(PermissionViolations.Mark mark, String what,
      String subject, IOException e) {
    return unanswered(mark, what, List.of(subject), e);
  }

  private RuntimeException unanswered(PermissionViolations.Mark mark, String what,
      List<String> subjects, IOException e) {
    Optional<PermissionDeniedException> refused = mark.refusal(what,
        subjects.toArray(String[]::new));
    if (refused.isPresent()) {
      return refused.get();
    }
    return new AetherTransientException("the server did not answer (" + what + ") within "
        + requestTimeout.toMillis() + " ms: " + e.getMessage(), e);
  }

  private static String duration(Duration d) {
    return d == null || d.isZero() ? "none" : d.toString();
  }

  private static String republish(Republish r) {
    return r == null ? "none" : r.getSource() + " -> " + r.getDestination()
        + (r.isHeadersOnly() ? " (headers only)" : "");
  }

  private static String sources(List<Source> sources) {
    if (sources == null || sources.isEmpty()) {
      return "none";
    }
    List<String> names = new ArrayList<>();
    for (Source s : sources) {
      names.add(s.getName() + (s.getExternal() == null ? ""
          : " (external api " + s.getExternal().getApi() + ")"));
    }
    return names.toString();
  }

  private static String mirror(Mirror m) {
    return m == null ? "none" : m.getName() + (m.getExternal() == null ? ""
        : " (external api " + m.getExternal().getApi() + ")");
  }

  private static String transform(SubjectTransform t) {
    return t == null ? "none" : t.getSource() + " -> " + t.getDestination();
  }

  @Override
  public String toString() {
    return "Provisioner[" + resources + ", replicas " + replicas + ", " + storage
        + (durables.isEmpty() ? "" : ", durables " + durables.keySet()) + "]";
  }

  /** Builds a {@link Provisioner}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private final Connection connection;
    private final NamespaceResources resources;
    private int replicas = AetherStreams.DEFAULT_REPLICAS;
    private StorageType storage = AetherStreams.DEFAULT_STORAGE;
    private Duration requestTimeout = Duration.ofSeconds(5);
    private final Map<String, Set<String>> durables = new LinkedHashMap<>();

    private Builder(Connection connection, NamespaceResources resources) {
      this.connection = connection;
      this.resources = resources;
    }

    /**
     * Sets the replicas of every stream and bucket. Default 1.
     *
     * @param replicas 1 to 5 (3 on a three-node cluster)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder replicas(int replicas) {
      if (replicas < 1 || replicas > 5) {
        throw new IllegalArgumentException("replicas must be 1 to 5, not " + replicas);
      }
      this.replicas = replicas;
      return this;
    }

    /**
     * Sets the storage of every stream and bucket. Default {@link StorageType#File}.
     *
     * @param storage file or memory
     * @return this builder
     */
    public Builder storage(StorageType storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets how long each JetStream request may take. Default 5 s.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("request timeout must be positive, not " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * Declares a durable subscription whose consumer the provisioner creates and keeps as
     * Aether needs it, so that the application role only adopts it: the consumer that {@code
     * SubscriptionOptions.builder().durable(name).eventTypes(eventTypes)} opens on the event
     * stream ({@code aether-sub-<name>}). A new one starts at the namespace's first event.
     *
     * @param name the durable subscription's name, as the application passes it
     * @param eventTypes the subscription's event types, exactly as the application passes them;
     *     none for every type
     * @return this builder
     * @throws IllegalArgumentException if the name or a type is invalid (the rules of {@link
     *     SubscriptionOptions})
     * @throws IllegalStateException if that name was already declared
     */
    public Builder durable(String name, String... eventTypes) {
      Objects.requireNonNull(name, "name");
      SubscriptionOptions checked = SubscriptionOptions.builder().durable(name)
          .eventTypes(eventTypes).build();
      if (durables.containsKey(name)) {
        throw new IllegalStateException("durable '" + name + "' was already declared");
      }
      durables.put(name, checked.eventTypes());
      return this;
    }

    /**
     * Builds the provisioner. Sends nothing to the server.
     *
     * @return the provisioner
     */
    public Provisioner build() {
      return new Provisioner(this);
    }
  }
}
