package one.flowmade.aether.examples.cluster;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.MembershipListener;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;

/**
 * One node of the cluster demo, meant to run as its own process: it joins the cluster, prints
 * what it sees (members, leader, assignments, the shards it owns) and answers messages for the
 * actors of its shards. SIGTERM (or Ctrl-C) makes it leave gracefully; SIGKILL makes it vanish, and
 * the others take its shards over once its membership expires.
 *
 * <pre>
 * java ... ClusterNodeMain --node node-1 [--nats nats://127.0.0.1:4222] [--cluster demo]
 * </pre>
 */
public final class ClusterNodeMain {

  private ClusterNodeMain() {}

  /**
   * Runs one node until the process is stopped.
   *
   * @param args {@code --node <id>}, optionally {@code --nats <url>} and {@code --cluster <name>}
   * @throws Exception if the node cannot connect or join
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = DemoArgs.parse(args);
    String nodeId = DemoArgs.required(options, "node");
    String url = options.getOrDefault("nats", "nats://127.0.0.1:4222");
    String clusterName = options.getOrDefault("cluster", "demo");

    Connection nats = Nats.connect(new Options.Builder().server(url).connectionName(nodeId)
        .maxReconnects(-1).build());
    AtomicInteger owned = new AtomicInteger();
    AtomicInteger handled = new AtomicInteger();

    ClusterNode node = ClusterNode.builder()
        .connection(nats)
        .clusterName(clusterName)
        .nodeId(nodeId)
        .metadata(Map.of("pid", Long.toString(ProcessHandle.current().pid())))
        // Short timings so that the demo shows a failed node's shards moving within seconds.
        .membershipTtl(Duration.ofSeconds(5))
        .heartbeatInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(Duration.ofSeconds(5))
        .leaderRenewInterval(Duration.ofSeconds(1))
        .safetyMargin(Duration.ofSeconds(1))
        .operationTimeout(Duration.ofSeconds(1))
        .membershipListener(new MembershipListener() {
          @Override
          public void joined(Member member) {
            System.out.println("member joined: " + member.nodeId() + " " + member.metadata());
          }

          @Override
          public void left(Member member) {
            System.out.println("member left: " + member.nodeId());
          }

          @Override
          public void failed(Member member) {
            System.out.println("member failed (membership expired): " + member.nodeId());
          }
        })
        .leadershipListener(new LeadershipListener() {
          @Override
          public void elected(Leadership leadership) {
            System.out.println("I am the leader now, fencing token "
                + leadership.fencingToken());
          }

          @Override
          public void leaderChanged(Optional<String> leaderId) {
            System.out.println("leader: " + leaderId.orElse("(none)"));
          }
        })
        .shardListener(new ShardListener() {
          @Override
          public void assignmentChanged(ShardAssignment assignment) {
            System.out.println("assignment epoch " + assignment.epoch() + " by "
                + assignment.leaderId() + ": " + assignment.shardCounts()
                + String.format(" (max/mean %.3f)", assignment.stats().maxOverMean()));
          }

          @Override
          public void acquired(int shard, long epoch) {
            owned.incrementAndGet();
          }

          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            owned.decrementAndGet();
          }
        })
        .messageHandler((actorId, payload) -> {
          handled.incrementAndGet();
          String reply = nodeId + " handled '" + new String(payload, StandardCharsets.UTF_8)
              + "' for " + actorId;
          return reply.getBytes(StandardCharsets.UTF_8);
        })
        .build();
    System.out.println("joined cluster " + clusterName + " as " + nodeId);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("leaving gracefully");
      node.close();
      try {
        nats.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }, "demo-shutdown"));

    int lastOwned = -1;
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      int now = owned.get();
      if (now != lastOwned) {
        System.out.println("owns " + now + " shards; handled " + handled.get() + " messages");
        lastOwned = now;
      }
    }
  }
}
