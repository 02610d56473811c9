package one.flowmade.aether.cluster;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.nats.NatsServer;

/**
 * Cluster nodes for a test, each with its own NATS connection, all recording into one {@link
 * History}. Closes every node and connection it started.
 */
final class TestCluster implements AutoCloseable {

  private static final AtomicInteger NAMES = new AtomicInteger();

  final String name;
  final History history = new History();
  final List<String> membershipEvents = new CopyOnWriteArrayList<>();
  final AtomicInteger handled = new AtomicInteger();
  final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
  /** While a node has a latch here, its {@code released} callbacks wait for it. */
  final Map<String, CountDownLatch> releaseBlockers = new ConcurrentHashMap<>();
  /** {@code node/shard} of every release that waited on a blocker. */
  final List<String> blockedReleases = new CopyOnWriteArrayList<>();
  /** A message {@code "stuck"} makes the handler wait for this latch (counted down on close). */
  final CountDownLatch stuckHandlers = new CountDownLatch(1);
  /** How many handler runs are waiting on {@link #stuckHandlers}. */
  final AtomicInteger stuck = new AtomicInteger();
  private final List<String> urls;
  private final int replicas;
  private final Map<String, ClusterNode> nodes = new ConcurrentHashMap<>();
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final List<Connection> allConnections = new CopyOnWriteArrayList<>();
  private UnaryOperator<ClusterNode.Builder> defaults = UnaryOperator.identity();

  TestCluster(String prefix, List<String> urls, int replicas) {
    this.name = prefix + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100_000;
    this.urls = List.copyOf(urls);
    this.replicas = replicas;
  }

  static TestCluster on(NatsServer nats, String prefix) {
    return new TestCluster(prefix, List.of(nats.url()), 1);
  }

  static TestCluster on(NatsCluster nats, String prefix) {
    List<String> urls = nats.nodes().stream().map(NatsNode::url).toList();
    return new TestCluster(prefix, urls, 3);
  }

  /** Fast timings for tests: 3 s TTLs, renewals every second, 1 s margin. */
  static ClusterNode.Builder fast(ClusterNode.Builder builder) {
    return fast(builder, Duration.ofSeconds(3));
  }

  /** {@link #fast(ClusterNode.Builder)} with another leader lease TTL. */
  static ClusterNode.Builder fast(ClusterNode.Builder builder, Duration leaderLeaseTtl) {
    return builder
        .membershipTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(leaderLeaseTtl)
        .leaderRenewInterval(Duration.ofSeconds(1))
        .safetyMargin(Duration.ofSeconds(1))
        .operationTimeout(Duration.ofMillis(800))
        .rebalanceDelay(Duration.ofMillis(300))
        .joinTimeout(Duration.ofSeconds(20));
  }

  TestCluster defaults(UnaryOperator<ClusterNode.Builder> defaults) {
    this.defaults = defaults;
    return this;
  }

  Connection connect(List<String> serverUrls) {
    Options options = Options.builder()
        .servers(serverUrls.toArray(String[]::new))
        .ignoreDiscoveredServers()
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(3))
        .pingInterval(Duration.ofSeconds(2))
        .build();
    try {
      Connection connection = Nats.connect(options);
      allConnections.add(connection);
      return connection;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Connection connect() {
    return connect(urls);
  }

  ClusterNode start(String nodeId) {
    return start(nodeId, urls, UnaryOperator.identity());
  }

  ClusterNode start(String nodeId, List<String> serverUrls,
      UnaryOperator<ClusterNode.Builder> customize) {
    return startWith(nodeId, serverUrls, b -> customize.apply(defaults.apply(b)));
  }

  /** Starts a node configured by {@code configure} alone, without the cluster's defaults. */
  ClusterNode startWith(String nodeId, List<String> serverUrls,
      UnaryOperator<ClusterNode.Builder> configure) {
    Connection connection = connect(serverUrls);
    ClusterNode[] self = new ClusterNode[1];
    ClusterNode.Builder builder = ClusterNode.builder()
        .connection(connection)
        .clusterName(name)
        .nodeId(nodeId)
        .replicas(replicas)
        .metadata(Map.of("test", "yes"))
        .membershipListener(new MembershipListener() {
          @Override
          public void joined(Member member) {
            membershipEvents.add(nodeId + " saw joined " + member.nodeId());
          }

          @Override
          public void left(Member member) {
            membershipEvents.add(nodeId + " saw left " + member.nodeId());
          }

          @Override
          public void failed(Member member) {
            membershipEvents.add(nodeId + " saw failed " + member.nodeId());
          }
        })
        .shardListener(new ShardListener() {
          @Override
          public void acquired(int shard, long epoch) {
            history.acquired(nodeId, shard, epoch);
          }

          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            CountDownLatch blocker = releaseBlockers.get(nodeId);
            if (blocker != null) {
              blockedReleases.add(nodeId + "/" + shard);
              try {
                blocker.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            long end = reason == ReleaseReason.MEMBERSHIP_LOST
                ? self[0] == null ? 0 : self[0].runtime().lastMembershipEnd() : 0;
            history.released(nodeId, shard, reason, end);
          }
        })
        .leadershipListener(new LeadershipListener() {
          @Override
          public void elected(Leadership leadership) {
            history.elected(nodeId, leadership);
          }
        })
        .messageHandler((actorId, payload) -> {
          String text = new String(payload, StandardCharsets.UTF_8);
          if (text.equals("stuck")) {
            stuck.incrementAndGet();
            stuckHandlers.await(60, TimeUnit.SECONDS);
          }
          if (text.equals("boom")) {
            throw new IllegalArgumentException("boom for " + actorId);
          }
          handled.incrementAndGet();
          handlerThreads.add(Thread.currentThread().getName());
          return (nodeId + ":" + actorId + ":" + text).getBytes(StandardCharsets.UTF_8);
        });
    ClusterNode node = configure.apply(builder).build();
    self[0] = node;
    nodes.put(nodeId, node);
    connections.put(nodeId, connection);
    return node;
  }

  ClusterNode node(String nodeId) {
    return nodes.get(nodeId);
  }

  Collection<ClusterNode> nodes() {
    return nodes.values();
  }

  /** Closes a node gracefully. */
  void stop(String nodeId) {
    ClusterNode node = nodes.remove(nodeId);
    node.close();
    closeQuietly(connections.remove(nodeId));
  }

  /** Drops a node's connection: it cannot renew or resign; it stays running locally. */
  void dropConnection(String nodeId) {
    closeQuietly(connections.get(nodeId));
  }

  /** Removes a node whose connection was dropped, once the test is done with it. */
  void discard(String nodeId) {
    ClusterNode node = nodes.remove(nodeId);
    if (node != null) {
      node.close();
    }
    closeQuietly(connections.remove(nodeId));
  }

  /** Stops a node at once with no callbacks, as a crashed process. */
  void crash(String nodeId) {
    ClusterNode node = nodes.remove(nodeId);
    // Recorded first: the crash interrupts callbacks still running, which must not count.
    history.crashed(nodeId, node.runtime().membershipDeadline());
    node.crash();
    closeQuietly(connections.remove(nodeId));
  }

  /** Waits until the live nodes all see the same members and own every shard exactly once. */
  void awaitStable(Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(100))
        .untilAsserted(this::assertStable);
  }

  void assertStable() {
    Set<String> live = new TreeSet<>(nodes.keySet());
    Map<Integer, String> owners = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    int shardCount = 0;
    Set<Long> epochs = new TreeSet<>();
    for (Map.Entry<String, ClusterNode> e : nodes.entrySet()) {
      ClusterNode node = e.getValue();
      shardCount = node.sharding().shardCount();
      Set<String> seen = new TreeSet<>();
      node.members().forEach(m -> seen.add(m.nodeId()));
      if (!seen.equals(live)) {
        problems.add(e.getKey() + " sees members " + seen + ", expected " + live);
      }
      Optional<ShardAssignment> assignment = node.assignment();
      if (assignment.isEmpty()) {
        problems.add(e.getKey() + " has no assignment");
        continue;
      }
      epochs.add(assignment.get().epoch());
      if (!new TreeSet<>(assignment.get().nodes()).equals(live)) {
        problems.add(e.getKey() + " has assignment epoch " + assignment.get().epoch() + " for "
            + assignment.get().nodes() + ", expected " + live);
      }
      if (!node.activeShards().equals(assignment.get().shardsOf(e.getKey()))) {
        problems.add(e.getKey() + " owns " + node.activeShards().size() + " shards, assigned "
            + assignment.get().shardsOf(e.getKey()).size() + " in epoch "
            + assignment.get().epoch());
      }
      for (int shard : node.activeShards()) {
        String other = owners.put(shard, e.getKey());
        if (other != null) {
          problems.add("shard " + shard + " active on " + other + " and " + e.getKey());
        }
      }
    }
    if (epochs.size() > 1) {
      problems.add("nodes are at different epochs " + epochs);
    }
    if (owners.size() != shardCount) {
      problems.add((shardCount - owners.size()) + " of " + shardCount + " shards have no owner");
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("; ", problems.subList(0,
          Math.min(5, problems.size()))));
    }
  }

  Optional<ClusterNode> leader() {
    return nodes.values().stream().filter(n -> n.leaderElection().isLeader()).findFirst();
  }

  Map<String, Integer> shardCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    nodes.forEach((id, node) -> counts.put(id, node.activeShards().size()));
    return counts;
  }

  @Override
  public void close() {
    stuckHandlers.countDown();
    // A test that failed while a node's release was blocked must not leave that node's close
    // waiting for the listener.
    releaseBlockers.values().forEach(CountDownLatch::countDown);
    for (String id : new ArrayList<>(nodes.keySet())) {
      try {
        nodes.remove(id).close();
      } catch (RuntimeException e) {
        // The test already failed or is done; keep closing the rest.
      }
    }
    allConnections.forEach(TestCluster::closeQuietly);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // Already closed.
    }
  }
}
