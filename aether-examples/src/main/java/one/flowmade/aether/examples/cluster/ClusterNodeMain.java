package one.flowmade.aether.examples.cluster;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.MembershipListener;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.examples.bank.BankNode;

/**
 * One node of the cluster demo, meant to run as its own process: a {@link BankNode} that joins the
 * cluster, hosts the bank accounts of the shards it owns (their commands run here, one at a time
 * per account, with the account cached) and prints what it sees (members, leader, assignments,
 * the shards it owns). SIGTERM (or Ctrl-C) makes it leave gracefully; SIGKILL makes it vanish, and
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

    // The bank namespace's inbox: the only one its application role may use (docs/security.md).
    Connection nats = Nats.connect(new Options.Builder().server(url).connectionName(nodeId)
        .inboxPrefix(NamespaceResources.of(BankNode.BANK).inboxPrefix()).maxReconnects(-1)
        .build());
    AtomicInteger owned = new AtomicInteger();

    ClusterNode.Builder cluster = ClusterNode.builder()
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
        });
    BankNode bank = BankNode.start(nats, cluster, new ShardListener() {
      @Override
      public void acquired(int shard, long epoch) {
        owned.incrementAndGet();
      }

      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        owned.decrementAndGet();
      }
    });
    System.out.println("joined cluster " + clusterName + " as " + nodeId
        + ", hosting bank accounts");

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("leaving gracefully");
      bank.close();
      try {
        nats.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stopped.countDown();
    }, "demo-shutdown"));

    int lastOwned = -1;
    long lastEpoch = -1;
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      Optional<ShardAssignment> assignment = bank.cluster().assignment();
      if (assignment.isPresent() && assignment.get().epoch() != lastEpoch) {
        lastEpoch = assignment.get().epoch();
        System.out.println("assignment epoch " + lastEpoch + " by " + assignment.get().leaderId()
            + ": " + assignment.get().shardCounts()
            + String.format(" (max/mean %.3f)", assignment.get().stats().maxOverMean()));
      }
      int now = owned.get();
      if (now != lastOwned) {
        System.out.println("owns " + now + " shards");
        lastOwned = now;
      }
    }
  }
}
