package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's JVM shutdown hook: registered by default, not with {@code shutdownHook(false)},
 * removed by {@code close()}; and a second {@code close()} (the hook's, say) waits for the one in
 * progress, so what is closed after the node is closed after its handover. {@code
 * HostedActorsIT} sends a node process SIGTERM with only this hook.
 */
final class ShutdownHookIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final String cluster = "hook-" + System.nanoTime() % 1_000_000;
  private Connection connection;

  @BeforeEach
  void connect() {
    connection = NATS.connect();
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    connection.close();
  }

  private ClusterNode.Builder node(String nodeId) {
    return TestCluster.fast(ClusterNode.builder()).connection(connection).clusterName(cluster)
        .nodeId(nodeId).shardCount(4);
  }

  @Test
  void byDefault_theHookIsRegistered_andCloseRemovesIt() {
    ClusterNode node = node("a").build();
    assertThat(node.hasShutdownHook()).isTrue();

    node.close();

    assertThat(node.hasShutdownHook()).isFalse();
  }

  @Test
  void shutdownHookFalse_registersNone() {
    try (ClusterNode node = node("a").shutdownHook(false).build()) {
      assertThat(node.hasShutdownHook()).isFalse();
    }
  }

  @Test
  void aSecondClose_waitsForTheCloseInProgress() throws Exception {
    CountDownLatch releasing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ClusterNode node = node("a").shutdownHook(false).shardListener(new ShardListener() {
      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        releasing.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }).build();
    await().atMost(WAIT).until(() -> node.activeShards().size() == 4);
    CompletableFuture<Void> first = CompletableFuture.runAsync(node::close);
    assertThat(releasing.await(30, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Thread> secondThread = new AtomicReference<>();
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
      secondThread.set(Thread.currentThread());
      node.close();
    });

    await().atMost(WAIT).until(() -> second.isDone() || (secondThread.get() != null
        && secondThread.get().getState() == Thread.State.WAITING));
    assertThat(second).as("returned while the first close was still releasing").isNotDone();
    release.countDown();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertThat(node.isMember()).isFalse();
  }
}
