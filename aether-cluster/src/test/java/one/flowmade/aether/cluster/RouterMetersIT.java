package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import one.flowmade.aether.cluster.internal.routing.RoutingProtocol;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The router's meters on a real nats-server: requests by outcome and retries by reason, for a
 * router built on its own and for a node's router (removed when the node closes).
 */
final class RouterMetersIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final int SHARDS = 16;

  @Test
  void aStandaloneRouter_countsRequestsByOutcome_andRetriesByReason() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String cluster = "meters-" + System.nanoTime();
    // Owners on the wire protocol, answering as a node would: "moved" once then "ok", an error,
    // no reply to the first attempt then "ok". Their subjects are the real shard subjects.
    Connection owners = NATS.connect();
    // A short request cleanup, so that jnats ends an attempt without a reply soon after the
    // attempt timeout.
    Connection connection = Nats.connect(new Options.Builder().server(NATS.url())
        .requestCleanupInterval(Duration.ofMillis(100)).build());
    try {
      AtomicInteger movedCalls = new AtomicInteger();
      AtomicInteger silentCalls = new AtomicInteger();
      serve(owners, cluster, "moving", m -> movedCalls.incrementAndGet() == 1
          ? RoutingProtocol.STATUS_MOVED : RoutingProtocol.STATUS_OK);
      serve(owners, cluster, "failing", m -> RoutingProtocol.STATUS_FAILED);
      serve(owners, cluster, "slow", m -> silentCalls.incrementAndGet() == 1
          ? null : RoutingProtocol.STATUS_OK);
      owners.flush(Duration.ofSeconds(5));
      ClusterRouter router = ClusterRouter.builder().connection(connection).clusterName(cluster)
          .shardCount(SHARDS).attemptTimeout(Duration.ofMillis(300)).meterRegistry(registry)
          .build();

      assertThat(new String(router.request("moving", new byte[0], Duration.ofSeconds(10)),
          UTF_8)).isEqualTo("done");
      assertThat(new String(router.request("slow", new byte[0], Duration.ofSeconds(10)),
          UTF_8)).isEqualTo("done");
      assertThatThrownBy(() -> router.request("failing", new byte[0], Duration.ofSeconds(10)))
          .isInstanceOf(ActorRequestException.class);
      assertThatThrownBy(() -> router.request("nobody", new byte[0], Duration.ofMillis(500)))
          .isInstanceOf(ShardUnavailableException.class);

      assertThat(requests(registry, "success").count()).isEqualTo(2);
      assertThat(requests(registry, "handler_error").count()).isEqualTo(1);
      assertThat(requests(registry, "timeout").count()).isEqualTo(1);
      assertThat(requests(registry, "success").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
          .isPositive();
      assertThat(retries(registry, "moved").count()).isEqualTo(1);
      assertThat(retries(registry, "no_reply").count()).isEqualTo(1);
      assertThat(retries(registry, "no_responders").count()).isGreaterThanOrEqualTo(1);
      assertThat(registry.find(MeterNames.RETRIES).tag("reason", "send_failed").counter())
          .isNull();
      assertThat(registry.get(MeterNames.REQUESTS).tag("outcome", "success").timer().getId()
          .getTag("node")).isEqualTo("-");
      assertThat(registry.get(MeterNames.REQUESTS).timer().getId().getTag("cluster"))
          .isEqualTo(cluster);

      connection.close();
      assertThatThrownBy(() -> router.request("moving", new byte[0]))
          .isInstanceOf(IllegalStateException.class);
      assertThat(requests(registry, "closed").count()).isEqualTo(1);
    } finally {
      owners.close();
      connection.close();
    }
  }

  @Test
  void aRequest_isCounted_beforeItsCallerSeesTheReply() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    String cluster = "meters-order-" + System.nanoTime();
    Connection owners = NATS.connect();
    Connection connection = NATS.connect();
    try {
      serve(owners, cluster, "ok", m -> RoutingProtocol.STATUS_OK);
      serve(owners, cluster, "failing", m -> RoutingProtocol.STATUS_FAILED);
      owners.flush(Duration.ofSeconds(5));
      ClusterRouter router = ClusterRouter.builder().connection(connection).clusterName(cluster)
          .shardCount(SHARDS).meterRegistry(registry).build();
      // A stage the caller chains runs when the reply completes the future; the request must be
      // counted by then (dependents run last-registered first, so a meter recorded by a stage of
      // the router's own, registered earlier, came after it).
      for (int i = 1; i <= 20; i++) {
        long seen = router.requestAsync("ok", new byte[0])
            .thenApply(reply -> requests(registry, "success").count()).get(10, SECONDS);
        assertThat(seen).as("successes counted when reply %d reached its caller", i)
            .isEqualTo(i);
        long failed = router.requestAsync("failing", new byte[0])
            .handle((reply, error) -> requests(registry, "handler_error").count())
            .get(10, SECONDS);
        assertThat(failed).as("errors counted when error %d reached its caller", i)
            .isEqualTo(i);
      }
    } finally {
      owners.close();
      connection.close();
    }
  }

  @Test
  void aNodesRouter_isMeteredWithTheNode_andItsMetersGoWithIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TestCluster cluster = TestCluster.on(NATS.server(), "router-meters")
        .defaults(TestCluster::fast);
    try {
      ClusterNode node = cluster.start("node-1", List.of(NATS.url()),
          b -> b.meterRegistry(registry));
      cluster.awaitStable(Duration.ofSeconds(20));
      assertThat(new String(node.router().request("abc", "q".getBytes(UTF_8)), UTF_8))
          .isEqualTo("node-1:abc:q");
      Timer success = registry.get(MeterNames.REQUESTS).tag("node", "node-1")
          .tag("cluster", cluster.name).tag("outcome", "success").timer();
      assertThat(success.count()).isEqualTo(1);

      node.close();
      assertThat(registry.getMeters()).extracting(Meter::getId)
          .noneMatch(id -> id.getName().startsWith("aether.cluster."));
      assertThatThrownBy(() -> node.router().request("abc", new byte[0]))
          .isInstanceOf(IllegalStateException.class);
      assertThat(registry.find(MeterNames.REQUESTS).meters()).isEmpty(); // nothing after removal
    } finally {
      cluster.close();
    }
  }

  /** Answers the requests for one actor with the status {@code status} picks (null: no reply). */
  private static void serve(Connection owners, String cluster, String actorId,
      Function<Message, String> status) {
    String subject = RoutingProtocol.subject(cluster, Sharding.of(SHARDS).shardOf(actorId),
        actorId);
    owners.createDispatcher(m -> {
      String s = status.apply(m);
      if (s != null) {
        owners.publish(m.getReplyTo(), new Headers().add(RoutingProtocol.STATUS_HEADER, s)
            .add(RoutingProtocol.NODE_HEADER, "fake").add(RoutingProtocol.ERROR_HEADER, "no"),
            "done".getBytes(UTF_8));
      }
    }).subscribe(subject);
    assertThat(subject).endsWith(TokenEncoding.encode(actorId));
  }

  private static Timer requests(SimpleMeterRegistry registry, String outcome) {
    return registry.get(MeterNames.REQUESTS).tag("outcome", outcome).timer();
  }

  private static Counter retries(SimpleMeterRegistry registry, String reason) {
    return registry.get(MeterNames.RETRIES).tag("reason", reason).counter();
  }

  /** The names, as docs/operations.md lists them. */
  private static final class MeterNames {
    static final String REQUESTS = "aether.cluster.router.requests";
    static final String RETRIES = "aether.cluster.router.retries";
  }
}
