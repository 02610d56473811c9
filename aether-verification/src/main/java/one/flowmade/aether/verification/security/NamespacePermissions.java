package one.flowmade.aether.verification.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The NATS permissions one namespace needs, and nothing more: its event stream, its snapshot
 * stream, its cluster's key-value bucket, its event, bus, snapshot and cluster subjects, and a
 * private inbox prefix. A user holding them can use the namespace fully with Aether's JetStream
 * store, snapshot store, NATS bus and cluster, and can neither read nor write any other
 * namespace.
 *
 * <pre>{@code
 * NamespacePermissions orders = NamespacePermissions.builder(Namespace.of("orders")).build();
 * String conf = NamespacePermissions.authorization(
 *     orders.user("orders-svc", "s3cret"), billing.user("billing-svc", "s3cret2"));
 * // nats-server.conf: include the text; clients connect with
 * //   Options.builder().userInfo("orders-svc", "s3cret").inboxPrefix(orders.inboxPrefix())
 * }</pre>
 *
 * <p>The subjects, per namespace {@code ns} with cluster {@code c} (the namespace's name by
 * default):
 * <ul>
 *   <li>publish and subscribe {@code aether.ev.ns.>} (events), {@code aether.bus.ns.>} (bus),
 *       {@code aether.cluster.c.>} (routing to actor owners);
 *   <li>publish {@code aether.snap.ns.>} (snapshots) and {@code $KV.aether-cluster-c.>}
 *       (membership, leases, assignments);
 *   <li>publish the JetStream API of the three streams {@code AETHER_ns}, {@code AETHERSNAP_ns}
 *       and {@code KV_aether-cluster-c} only: stream info, create and update (unless {@link
 *       Builder#manageStreams(boolean) manageStreams(false)}), message get, consumer create, info,
 *       delete and next, acknowledgements and flow control; plus {@code $JS.API.INFO};
 *   <li>publish and subscribe the inbox {@code _INBOX_ns.>}: clients must set {@link
 *       #inboxPrefix()} as their jnats inbox prefix, so that replies, consumers and watchers of
 *       one namespace can never be read by another.
 * </ul>
 * Nothing else is allowed: no stream listing (which would reveal other namespaces' names), no
 * stream deletion or purge, no wildcard subscriptions across namespaces.
 *
 * <p>Immutable and thread-safe.
 */
public final class NamespacePermissions {

  private static final Pattern CLUSTER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final Namespace namespace;
  private final String clusterName;
  private final List<String> publish;
  private final List<String> subscribe;

  private NamespacePermissions(Builder b) {
    this.namespace = b.namespace;
    this.clusterName = b.clusterName == null ? b.namespace.name() : b.clusterName;
    String ns = namespace.name();
    String events = SubjectLayout.streamName(namespace);
    String snapshots = "AETHERSNAP_" + ns;
    String bucket = "aether-cluster-" + clusterName;
    String kvStream = "KV_" + bucket;

    List<String> sub = new ArrayList<>();
    sub.add(SubjectLayout.ROOT + '.' + SubjectLayout.EVENTS + '.' + ns + ".>");
    sub.add(SubjectLayout.ROOT + '.' + SubjectLayout.BUS + '.' + ns + ".>");
    sub.add("aether.cluster." + clusterName + ".>");
    sub.add(inboxPrefix() + ".>");

    List<String> pub = new ArrayList<>(sub);
    pub.add("aether.snap." + ns + ".>");
    pub.add("$KV." + bucket + ".>");
    pub.add("$JS.API.INFO");
    for (String stream : List.of(events, snapshots, kvStream)) {
      pub.add("$JS.API.STREAM.INFO." + stream);
      if (b.manageStreams) {
        pub.add("$JS.API.STREAM.CREATE." + stream);
        pub.add("$JS.API.STREAM.UPDATE." + stream);
      }
      pub.add("$JS.API.STREAM.MSG.GET." + stream);
      pub.add("$JS.API.DIRECT.GET." + stream);
      pub.add("$JS.API.DIRECT.GET." + stream + ".>");
      pub.add("$JS.API.CONSUMER.CREATE." + stream);
      pub.add("$JS.API.CONSUMER.CREATE." + stream + ".>");
      pub.add("$JS.API.CONSUMER.DURABLE.CREATE." + stream + ".>");
      pub.add("$JS.API.CONSUMER.INFO." + stream + ".>");
      pub.add("$JS.API.CONSUMER.DELETE." + stream + ".>");
      pub.add("$JS.API.CONSUMER.MSG.NEXT." + stream + ".>");
      pub.add("$JS.ACK." + stream + ".>");
      pub.add("$JS.FC." + stream + ".>");
    }
    this.publish = Collections.unmodifiableList(pub);
    this.subscribe = Collections.unmodifiableList(sub);
  }

  /**
   * Returns a builder of the permissions of a namespace.
   *
   * @param namespace the namespace
   * @return the builder
   */
  public static Builder builder(Namespace namespace) {
    return new Builder(namespace);
  }

  /**
   * Returns the permissions of a namespace with the defaults: cluster named like the namespace,
   * streams created by the application.
   *
   * @param namespace the namespace
   * @return the permissions
   */
  public static NamespacePermissions of(Namespace namespace) {
    return builder(namespace).build();
  }

  /**
   * Returns the namespace.
   *
   * @return the namespace
   */
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Returns the name of the Aether cluster whose bucket and subjects are allowed.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns the inbox prefix the namespace's clients must use ({@code
   * Options.Builder.inboxPrefix(..)} in jnats).
   *
   * @return {@code _INBOX_<namespace>}
   */
  public String inboxPrefix() {
    return "_INBOX_" + namespace.name();
  }

  /**
   * Returns the subjects the namespace's users may publish to.
   *
   * @return the publish allow list
   */
  public List<String> publishAllow() {
    return publish;
  }

  /**
   * Returns the subjects the namespace's users may subscribe to.
   *
   * @return the subscribe allow list
   */
  public List<String> subscribeAllow() {
    return subscribe;
  }

  /**
   * Returns the permissions as the JSON object nats-server's configuration accepts under {@code
   * permissions} (the configuration format is a superset of JSON).
   *
   * @return {@code {"publish":{"allow":[...]},"subscribe":{"allow":[...]}}}
   */
  public String toJson() {
    return "{\"publish\":{\"allow\":" + jsonArray(publish) + "},\"subscribe\":{\"allow\":"
        + jsonArray(subscribe) + "}}";
  }

  /**
   * Returns one user entry for nats-server's {@code authorization { users = [...] }} with these
   * permissions.
   *
   * @param user the user name: 1 to 64 ASCII letters, digits, {@code '_'}, {@code '.'}, {@code '-'}
   * @param password the password, or a bcrypt hash ({@code nats server passwd})
   * @return the entry, a JSON object
   * @throws IllegalArgumentException if the user name is invalid or the password empty
   */
  public String user(String user, String password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException("user name '" + user + "' must be 1 to 64 ASCII letters,"
          + " digits, '_', '.' or '-'");
    }
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    return "{\"user\":" + jsonString(user) + ",\"password\":" + jsonString(password)
        + ",\"permissions\":" + toJson() + "}";
  }

  /**
   * Returns an {@code authorization} block for nats-server's configuration with the given user
   * entries (from {@link #user(String, String)}).
   *
   * @param users the entries
   * @return the configuration text
   */
  public static String authorization(String... users) {
    StringBuilder out = new StringBuilder("authorization {\n  users = [\n");
    for (String user : users) {
      out.append("    ").append(user).append('\n');
    }
    return out.append("  ]\n}\n").toString();
  }

  private static String jsonArray(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ",").append(jsonString(values.get(i)));
    }
    return out.append(']').toString();
  }

  private static String jsonString(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  @Override
  public String toString() {
    return "NamespacePermissions[" + namespace + ", cluster " + clusterName + "]";
  }

  /** Builds {@link NamespacePermissions}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private final Namespace namespace;
    private String clusterName;
    private boolean manageStreams = true;

    private Builder(Namespace namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    /**
     * Sets the name of the Aether cluster the namespace's nodes form. Default: the namespace's
     * name.
     *
     * @param name a cluster name (the rules of {@code ClusterNode.Builder.clusterName})
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if already set
     */
    public Builder clusterName(String name) {
      Objects.requireNonNull(name, "name");
      if (!CLUSTER.matcher(name).matches()) {
        throw new IllegalArgumentException("cluster name '" + name + "' must be 1 to 64"
            + " lower-case letters, digits, '-' or '_', starting with a letter or digit");
      }
      if (clusterName != null) {
        throw new IllegalStateException("cluster name was already set to " + clusterName);
      }
      this.clusterName = name;
      return this;
    }

    /**
     * Sets whether the user may create and update the namespace's streams and bucket. Default
     * true; set false when an administrator creates them beforehand.
     *
     * @param allowed whether stream create and update are allowed
     * @return this builder
     */
    public Builder manageStreams(boolean allowed) {
      this.manageStreams = allowed;
      return this;
    }

    /**
     * Builds the permissions.
     *
     * @return the permissions
     */
    public NamespacePermissions build() {
      return new NamespacePermissions(this);
    }
  }
}
