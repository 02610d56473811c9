package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JetStream cluster of {@code nats-server} processes for fault-injection tests: {@code n1} to
 * {@code nN} (three by default), each on its own free loopback client, route and monitoring
 * ports, with its own store directory, all under one temporary directory.
 *
 * <pre>{@code
 * try (NatsCluster cluster = NatsCluster.start();
 *     Connection nc = cluster.connect()) {
 *   nc.jetStreamManagement().addStream(
 *       StreamConfiguration.builder().name("S").subjects("s.>").replicas(3).build());
 *   cluster.streamLeader("S").kill();         // SIGKILL the stream leader
 *   // ... keep publishing with retries, then:
 *   cluster.node(2).restart();
 *   cluster.waitForJetStreamReady();          // every node current again
 * }
 * }</pre>
 *
 * <p>Nodes are numbered from 1, like their names: {@code node(1)} is {@code n1}. {@link #start()}
 * returns once every node routes to every other and JetStream has a meta leader. {@link #close()}
 * kills every process and deletes the directory; a JVM shutdown hook does the same for clusters a
 * crashed test never closed.
 *
 * <p>Thread-safe. Waiting methods are bounded by the start timeout and throw {@link
 * NatsServerException} with the nodes' log tails when it passes.
 */
public final class NatsCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NatsCluster.class);
  private static final int PORT_ATTEMPTS = 3;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final ServerGroup group;
  private final List<ServerNode> nodes;
  private final Duration startTimeout;

  private NatsCluster(ServerGroup group, Duration startTimeout) {
    this.group = group;
    this.nodes = group.nodes();
    this.startTimeout = startTimeout;
  }

  /**
   * Returns a builder for a cluster that is not started yet.
   *
   * @return a new builder with defaults (3 nodes, cluster name {@code aether}, 60 s start timeout)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a 3-node cluster with the defaults of {@link #builder()}.
   *
   * @return the running cluster, JetStream ready
   * @throws UnsupportedNatsServerException if the binary found is older than 2.12
   * @throws NatsServerException if no binary is found or the cluster does not form in time
   */
  public static NatsCluster start() {
    return builder().start();
  }

  private static NatsCluster start(Builder b) {
    return ServerGroup.start(
        LOG,
        "the cluster",
        b.settings,
        "aether-nats-cluster-",
        PORT_ATTEMPTS,
        (launcher, directory) -> createNodes(b, launcher, directory),
        group -> {
          NatsCluster cluster = new NatsCluster(group, b.settings.startTimeout());
          cluster.waitForJetStreamReady();
          LOG.info(
              "nats-server cluster of {} ({}) ready at {} (directory {})",
              cluster.nodes.size(),
              cluster.nodes.get(0).version(),
              cluster.urls(),
              group.directory());
          return cluster;
        });
  }

  private static List<ServerNode> createNodes(Builder b, Launcher launcher, Path directory) {
    int[] ports = FreePorts.allocate(3 * b.size);
    List<NodeSpec> specs = new ArrayList<>(b.size);
    for (int i = 0; i < b.size; i++) {
      String name = "n" + (i + 1);
      specs.add(
          new NodeSpec(
              name, directory.resolve(name), ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]));
    }
    List<ServerNode> nodes = new ArrayList<>(b.size);
    for (NodeSpec spec : specs) {
      List<NodeSpec> peers = specs.stream().filter(p -> p != spec).toList();
      ServerRuntime runtime =
          launcher.create(
              spec, peers, b.clusterName, b.settings.config(), b.settings.isSyncAlways());
      nodes.add(new ServerNode(spec, launcher, runtime, b.settings.startTimeout()));
    }
    return nodes;
  }

  /**
   * Returns the number of nodes, running or not.
   *
   * @return the cluster size
   */
  public int size() {
    return nodes.size();
  }

  /**
   * Returns a node by number; {@code node(1)} is {@code n1}.
   *
   * @param number from 1 to {@link #size()}
   * @return the node
   * @throws IllegalArgumentException if there is no such node
   */
  public NatsNode node(int number) {
    return serverNode(number);
  }

  private ServerNode serverNode(int number) {
    if (number < 1 || number > nodes.size()) {
      throw new IllegalArgumentException(
          "nodes are numbered 1 to " + nodes.size() + " (n1..n" + nodes.size() + "), not " + number);
    }
    return nodes.get(number - 1);
  }

  /**
   * Returns a node by server name.
   *
   * @param name a server name such as {@code n2}
   * @return the node
   * @throws IllegalArgumentException if no node has that name
   */
  public NatsNode node(String name) {
    return nodes.stream()
        .filter(n -> n.name().equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no node named " + name + " in " + names()));
  }

  /**
   * Returns every node, {@code n1} first.
   *
   * @return an unmodifiable list of the nodes
   */
  public List<NatsNode> nodes() {
    return List.copyOf(nodes);
  }

  private List<String> names() {
    return nodes.stream().map(ServerNode::name).toList();
  }

  /**
   * Returns every node's client URL, comma-separated, as jnats {@link
   * Options.Builder#server(String)} accepts them.
   *
   * @return for example {@code nats://127.0.0.1:40001,nats://127.0.0.1:40004,...}
   */
  public String urls() {
    return nodes.stream().map(ServerNode::url).collect(Collectors.joining(","));
  }

  /**
   * Returns the temporary directory that holds every node's directory ({@code n1/}, {@code n2/},
   * … each with its configuration, log and store). {@link #close()} deletes it.
   *
   * @return the cluster's directory
   */
  public Path directory() {
    return group.directory();
  }

  /**
   * Returns options for a test client of the whole cluster: every node's URL, reconnecting forever
   * every 250 ms, a 5 s connection timeout.
   *
   * @return a new options builder
   */
  public Options.Builder connectionOptions() {
    return ServerNode.testOptions("aether-testkit-cluster").server(urls());
  }

  /**
   * Connects a client that may use any node and fails over between them. The caller closes it.
   *
   * @return a connected client
   * @throws UncheckedIOException if no node accepts the connection
   */
  public Connection connect() {
    return ServerNode.connect(connectionOptions().build());
  }

  /**
   * Connects a client to one node only; see {@link NatsNode#connect()}.
   *
   * @param number the node number, from 1
   * @return a connected client
   * @throws IllegalArgumentException if there is no such node
   */
  public Connection connect(int number) {
    return serverNode(number).connect();
  }

  /**
   * Waits with the start timeout; see {@link #waitForJetStreamReady(Duration)}.
   *
   * @throws NatsServerException if the cluster is not ready in time
   */
  public void waitForJetStreamReady() {
    waitForJetStreamReady(startTimeout);
  }

  /**
   * Waits until the nodes that run and are not paused form a cluster (each routes to all others),
   * each reports itself healthy on {@code /healthz} (JetStream has a meta leader and every stream
   * and consumer on the node is current, so a restarted node has caught up), and a client gets
   * JetStream account information. Killed and paused nodes are left out.
   *
   * @param timeout how long to wait at most
   * @throws NatsServerException if that does not happen in time; the message says which check
   *     failed last and ends with the nodes' log tails
   * @throws IllegalStateException if no node is answering
   */
  public void waitForJetStreamReady(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    List<ServerNode> live = nodes.stream().filter(ServerNode::isAnswering).toList();
    if (live.isEmpty()) {
      throw new IllegalStateException("no node of the cluster is running and not paused");
    }
    Set<String> liveNames = live.stream().map(ServerNode::name).collect(Collectors.toSet());
    AtomicReference<String> problem = new AtomicReference<>("not checked yet");
    Poll.until(
        "JetStream of " + liveNames + " to be ready",
        timeout,
        () -> {
          Optional<String> p = readinessProblem(live, liveNames);
          problem.set(p.orElse("none"));
          return p.isEmpty();
        },
        () -> "; last problem: " + problem.get() + logExcerpts());
  }

  private Optional<String> readinessProblem(List<ServerNode> live, Set<String> liveNames) {
    for (ServerNode node : live) {
      Set<String> expected = new HashSet<>(liveNames);
      expected.remove(node.name());
      try {
        Set<String> routed = Monitor.routedServerNames(node.monitorUrl());
        if (!routed.containsAll(expected)) {
          return Optional.of(node.name() + " routes to " + routed + ", expected " + expected);
        }
      } catch (IOException e) {
        return Optional.of(node.name() + "'s /routez failed: " + e.getMessage());
      }
      Optional<String> unhealthy = node.unhealthyReason();
      if (unhealthy.isPresent()) {
        return Optional.of(node.name() + ": " + unhealthy.get());
      }
    }
    Options options =
        ServerNode.testOptions("aether-testkit-probe")
            .servers(live.stream().map(ServerNode::url).toArray(String[]::new))
            .maxReconnects(0)
            .connectionTimeout(PROBE_TIMEOUT)
            .build();
    Connection nc = null;
    try {
      nc = ServerNode.connect(options);
      nc.jetStreamManagement(JetStreamOptions.builder().requestTimeout(PROBE_TIMEOUT).build())
          .getAccountStatistics();
      return Optional.empty();
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      return Optional.of("JetStream account info failed: " + e);
    } finally {
      ServerNode.closeQuietly(nc);
    }
  }

  /**
   * Waits with the start timeout; see {@link #streamLeader(String, Duration)}.
   *
   * @param stream the stream name
   * @return the node that leads the stream
   */
  public NatsNode streamLeader(String stream) {
    return streamLeader(stream, startTimeout);
  }

  /**
   * Returns the node that currently leads a replicated stream, as reported by {@code
   * StreamInfo.getClusterInfo().getLeader()}, waiting while the stream has no leader (during an
   * election) or the reported leader is not running. Use it to kill the leader in failover tests.
   *
   * @param stream the stream name
   * @param timeout how long to wait for a leader at most
   * @return the leader's node, running and not paused when this method returned
   * @throws IllegalArgumentException if no stream has that name
   * @throws NatsServerException if no running node leads the stream within the timeout
   */
  public NatsNode streamLeader(String stream, Duration timeout) {
    Objects.requireNonNull(stream, "stream");
    AtomicReference<String> seen = new AtomicReference<>("no node answered");
    return Poll.until(
        "a leader of stream " + stream,
        timeout,
        () -> {
          for (ServerNode asked : nodes) {
            if (!asked.isAnswering()) {
              continue;
            }
            Optional<String> leader = reportedLeader(asked, stream, seen);
            Optional<ServerNode> node =
                leader.flatMap(name -> nodes.stream().filter(n -> n.name().equals(name)).findAny());
            if (node.isPresent() && node.get().isAnswering()) {
              return Optional.of(node.get());
            }
          }
          return Optional.empty();
        },
        () -> "; last answer: " + seen.get() + logExcerpts());
  }

  private static Optional<String> reportedLeader(
      ServerNode asked, String stream, AtomicReference<String> seen) {
    Options options =
        asked.connectionOptions().maxReconnects(0).connectionTimeout(PROBE_TIMEOUT).build();
    Connection nc = null;
    try {
      nc = ServerNode.connect(options);
      JetStreamManagement jsm =
          nc.jetStreamManagement(JetStreamOptions.builder().requestTimeout(PROBE_TIMEOUT).build());
      StreamInfo info = jsm.getStreamInfo(stream);
      ClusterInfo cluster = info.getClusterInfo();
      String leader = cluster == null ? null : cluster.getLeader();
      seen.set(asked.name() + " reports leader " + leader);
      return Optional.ofNullable(leader).filter(l -> !l.isEmpty());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
        throw new IllegalArgumentException("no stream named " + stream, e);
      }
      seen.set(asked.name() + ": " + e.getMessage());
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      seen.set(asked.name() + ": " + e);
      return Optional.empty();
    } finally {
      ServerNode.closeQuietly(nc);
    }
  }

  /**
   * Returns the last lines of every node's log, for failure messages.
   *
   * @return one block per node
   */
  String logExcerpts() {
    Map<String, String> logs = new LinkedHashMap<>();
    for (ServerNode node : nodes) {
      logs.put(node.name(), node.log());
    }
    StringBuilder out = new StringBuilder();
    logs.forEach((name, log) -> out.append(LogText.excerpt(name, log, 15)));
    return out.toString();
  }

  /**
   * Kills every node (SIGKILL: the stores are deleted anyway) and deletes the directory.
   * Idempotent; blocks until every process has exited.
   *
   * @throws UncheckedIOException if the directory cannot be deleted
   */
  @Override
  public synchronized void close() {
    group.close();
  }

  @Override
  public String toString() {
    return "NatsCluster" + names() + "[" + urls() + "]";
  }

  /**
   * Configures a {@link NatsCluster}. Each property may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe; a builder may start any number of clusters.
   */
  public static final class Builder extends LaunchBuilder<Builder> {

    private int size = 3;
    private boolean sizeSet;
    private String clusterName = "aether";
    private boolean clusterNameSet;

    private Builder() {
      super(Duration.ofSeconds(60));
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the number of nodes. Default 3.
     *
     * @param size from 2 to 9 (use {@link NatsServer} for one node)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder size(int size) {
      if (size < 2 || size > 9) {
        throw new IllegalArgumentException("cluster size must be 2 to 9, was " + size);
      }
      if (sizeSet) {
        throw new IllegalStateException("size was already set to " + this.size);
      }
      this.size = size;
      sizeSet = true;
      return this;
    }

    /**
     * Sets the cluster name. Default {@code aether}.
     *
     * @param clusterName letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if empty or with other characters
     * @throws IllegalStateException if already set
     */
    public Builder clusterName(String clusterName) {
      LaunchSettings.checkName(clusterName, "clusterName", "cluster name");
      if (clusterNameSet) {
        throw new IllegalStateException("clusterName was already set to " + this.clusterName);
      }
      this.clusterName = clusterName;
      clusterNameSet = true;
      return this;
    }

    /**
     * Starts the cluster and waits until it has formed and JetStream is ready.
     *
     * @return the running cluster; the caller closes it
     * @throws UnsupportedNatsServerException if the server is older than 2.12
     * @throws NatsServerException if no server is found or the cluster does not form in time
     */
    public NatsCluster start() {
      return NatsCluster.start(this);
    }
  }
}
