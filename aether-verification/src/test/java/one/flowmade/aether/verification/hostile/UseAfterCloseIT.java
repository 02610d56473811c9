package one.flowmade.aether.verification.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Use after {@code close()} of the snapshot store, the NATS bus and a cluster node: each call
 * gets a clear error naming the closed component at once, close stays idempotent, and nothing
 * hangs.
 * (The event stores are covered by {@link HostileInputContract}.)
 */
final class UseAfterCloseIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final Namespace NS = Namespace.of("closing");

  @Test
  void snapshotStore_afterClose_refusesEveryCall() throws Exception {
    try (Connection nc = NATS.connect()) {
      JetStreamSnapshotStore store = JetStreamSnapshotStore.builder(nc, NS).build();
      store.close();
      store.close();

      Snapshot snapshot = new Snapshot("a", 1, 1, Instant.now(), Payload.json("{}"));
      for (Throwable t : List.of(catchThrowable(() -> store.save(snapshot)),
          catchThrowable(() -> store.load("a")))) {
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      }
    }
  }

  @Test
  void natsBus_afterClose_refusesPublishAndSubscribe() throws Exception {
    try (Connection nc = NATS.connect()) {
      NatsEventBus bus = NatsEventBus.builder(nc).build();
      bus.close();
      bus.close();

      assertThat(bus.isClosed()).isTrue();
      assertThat(catchThrowable(() -> bus.publish(BusEvent.of(NS, "a", "T", Payload.json("{}")))))
          .isInstanceOf(BusClosedException.class).hasMessageContaining("closed");
      assertThat(catchThrowable(() -> bus.subscribe(NS, e -> { })))
          .isInstanceOf(BusClosedException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void clusterNode_afterClose_ownsNothingAndRefusesRequests() throws Exception {
    try (Connection nc = NATS.connect()) {
      ClusterNode node = ClusterNode.builder().connection(nc).clusterName("closing")
          .nodeId("n1").shardCount(2).requestTimeout(Duration.ofSeconds(1))
          .messageHandler((actor, payload) -> payload).build();
      node.close();
      node.close();

      assertThat(node.isMember()).isFalse();
      assertThat(node.activeShards()).isEmpty();
      assertThat(node.ownsShard(0)).isFalse();
      long started = System.nanoTime();
      Throwable request = catchThrowable(() ->
          node.router().request("a", "x".getBytes(StandardCharsets.UTF_8)));
      assertThat(request).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void routerOfAClosedNode_failsAtOnceSayingItIsClosed() throws Exception {
    try (Connection nc = NATS.connect()) {
      ClusterNode node = ClusterNode.builder().connection(nc).clusterName("closed")
          .nodeId("n1").shardCount(2).messageHandler((actor, payload) -> payload).build();
      node.close();

      long started = System.nanoTime();
      Throwable blocking = catchThrowable(() -> node.router().request("a", new byte[] {1}));
      CompletableFuture<byte[]> async = node.router().requestAsync("a", new byte[] {1});

      assertThat(blocking).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThat(async).isCompletedExceptionally();
      assertThat(catchThrowable(async::join)).hasCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
    }
  }
}
