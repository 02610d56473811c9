package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.Health;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cluster nodes given a factory of virtual threads and a virtual-thread-per-task handler executor
 * run their membership, leader and events threads and every routed handler on named virtual
 * threads, elect a leader, own shards, answer routed requests and close without leaving a
 * thread. Virtual threads exist from Java 21; the project compiles for 17, so they are obtained by
 * reflection. The {@code virtual-threads} profile of this module runs this class in a forked JDK
 * 25 during {@code mvn verify}; on the default JDK 17 it is reported skipped.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
final class VirtualThreadsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void virtualThreadFactory_nodeThreadsAndRoutedHandlersAreNamedVirtualThreads() throws Exception {
    String cluster = "virtual-" + System.nanoTime();
    Map<String, Boolean> listenerThreads = new ConcurrentHashMap<>();
    Map<String, Boolean> handlerThreads = new ConcurrentHashMap<>();
    Set<String> owners = ConcurrentHashMap.newKeySet();
    List<ClusterNode> nodes = new ArrayList<>();
    List<Connection> connections = new ArrayList<>();
    ExecutorService handlers = virtualThreadPerTask();
    try {
      for (String id : List.of("v1", "v2")) {
        Connection connection = NATS.connect();
        connections.add(connection);
        nodes.add(TestCluster.fast(ClusterNode.builder()).connection(connection)
            .clusterName(cluster).nodeId(id).shardCount(16)
            .threadFactory(virtualThreads())
            .handlerExecutor(handlers)
            .shutdownHook(false)
            .shardListener(new ShardListener() {
              @Override
              public void acquired(int shard, long epoch) {
                owners.add(id);
                record(listenerThreads);
              }
            })
            .leadershipListener(new LeadershipListener() {
              @Override
              public void elected(Leadership leadership) {
                record(listenerThreads);
              }
            })
            .messageHandler((actorId, payload) -> {
              record(handlerThreads);
              return (id + ":" + actorId).getBytes(UTF_8);
            })
            .build());
      }
      await("both nodes own shards").atMost(WAIT).until(() -> owners.size() == 2);

      Set<String> answeredBy = ConcurrentHashMap.newKeySet();
      await("requests answered by both nodes").atMost(WAIT).until(() -> {
        for (int i = 0; i < 20; i++) {
          String reply = new String(nodes.get(i % 2).router().request("actor-" + i,
              new byte[0]), UTF_8);
          answeredBy.add(reply.substring(0, reply.indexOf(':')));
        }
        return answeredBy.size() == 2;
      });

      assertThat(listenerThreads).isNotEmpty().doesNotContainValue(false);
      assertThat(listenerThreads.keySet()).allMatch(name -> name.equals("aether-cluster-v1-events")
          || name.equals("aether-cluster-v2-events"));
      assertThat(handlerThreads).isNotEmpty().doesNotContainValue(false);
      // The threads a node starts itself are virtual, so none of its names is a platform thread.
      assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
          .noneMatch(name -> name.startsWith("aether-cluster-v"));
      for (ClusterNode node : nodes) {
        assertThat(node.health().status()).isEqualTo(Health.Status.UP);
      }
    } finally {
      for (ClusterNode node : nodes) {
        node.close();
      }
      for (Connection connection : connections) {
        connection.close();
      }
      handlers.shutdownNow();
    }
  }

  private static void record(Map<String, Boolean> threads) {
    threads.put(Thread.currentThread().getName(), isVirtual(Thread.currentThread()));
  }

  private static ThreadFactory virtualThreads() throws ReflectiveOperationException {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
        .invoke(builder);
  }

  private static ExecutorService virtualThreadPerTask() throws ReflectiveOperationException {
    return (ExecutorService) java.util.concurrent.Executors.class
        .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
