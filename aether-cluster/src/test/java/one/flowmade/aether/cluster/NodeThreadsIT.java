package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ClusterNode.Builder.threadFactory}: the node's three threads come from it, named. */
final class NodeThreadsIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final String cluster = "threads-" + System.nanoTime() % 1_000_000;
  private Connection connection;

  @BeforeEach
  void connect() {
    connection = NATS.connect();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    connection.close();
  }

  @Test
  void theNodesThreads_comeFromTheFactory_withTheNodesNames_andEndOnClose() {
    List<Thread> made = new CopyOnWriteArrayList<>();
    ThreadFactory factory = runnable -> {
      Thread thread = new Thread(runnable, "made-by-the-application");
      thread.setDaemon(true);
      made.add(thread);
      return thread;
    };
    Set<Thread> listenerThreads = ConcurrentHashMap.newKeySet();
    ClusterNode node = TestCluster.fast(ClusterNode.builder()).connection(connection)
        .clusterName(cluster).nodeId("a").shardCount(4).threadFactory(factory)
        .shardListener(new ShardListener() {
          @Override
          public void acquired(int shard, long epoch) {
            listenerThreads.add(Thread.currentThread());
          }
        }).build();
    await().atMost(WAIT).until(() -> node.activeShards().size() == 4);

    assertThat(made).extracting(Thread::getName).containsExactlyInAnyOrder(
        "aether-cluster-a-events", "aether-cluster-a-membership", "aether-cluster-a-leader");
    assertThat(listenerThreads).singleElement()
        .satisfies(t -> assertThat(made).contains(t))
        .extracting(Thread::getName).isEqualTo("aether-cluster-a-events");
    node.close();
    await().atMost(WAIT).until(() -> made.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void aFactoryThatReturnsNoThread_failsTheBuild_namingIt() {
    ThreadFactory none = new ThreadFactory() {
      @Override
      public Thread newThread(Runnable runnable) {
        return null;
      }

      @Override
      public String toString() {
        return "the-null-factory";
      }
    };

    assertThatThrownBy(() -> TestCluster.fast(ClusterNode.builder()).connection(connection)
        .clusterName(cluster).nodeId("b").shutdownHook(false).threadFactory(none).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the-null-factory").hasMessageContaining("returned no thread for aether-cluster-b-");
  }
}
