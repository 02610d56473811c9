package one.flowmade.aether.cluster.actor;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Shutdown;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * A cluster node hosting accounts in its own JVM, closed on SIGTERM by {@link Shutdown#onSignal}
 * or, with the sixth argument {@code builder-hook}, by the node's own shutdown hook alone.
 * Arguments: NATS URL, cluster name, namespace, node id, membership TTL in seconds, and
 * optionally {@code builder-hook}. Prints {@code READY} once it is a member.
 */
final class ShutdownChild {

  private ShutdownChild() {}

  public static void main(String[] args) throws Exception {
    Connection connection = Nats.connect(args[0]);
    JetStreamEventStore events = JetStreamEventStore.builder(connection, Namespace.of(args[2]))
        .build();
    ActorRepository<HostedActorsTests.Account, HostedActorsTests.Deposited> accounts =
        ActorRepository.builder(HostedActorsTests.MODEL, HostedActorsTests.Deposited.class)
            .eventStore(events).codec(HostedActorsTests.CODEC).build();
    ActorHost host = ActorHost.builder()
        .register(HostedActorsTests.ACCOUNT, accounts, (account, deposit) ->
            java.util.List.of(new HostedActorsTests.Deposited(deposit.amount())))
        .build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    Duration ttl = Duration.ofSeconds(Long.parseLong(args[4]));
    ClusterNode node = ClusterNode.builder()
        .connection(connection).clusterName(args[1]).nodeId(args[3])
        .shardCount(HostedActorsTests.SHARDS)
        .membershipTtl(ttl).leaderLeaseTtl(ttl)
        .rebalanceDelay(Duration.ofMillis(300))
        .messageHandler(host.messageHandler())
        .shardListener(host.shardListener())
        .handlerExecutor(pool)
        .build();
    host.attach(node);
    if (args.length < 6 || !args[5].equals("builder-hook")) {
      // the documented order: stop taking work and hand the shards over, then what it used
      Shutdown.onSignal(node, host, events, connection, pool::shutdown);
    }
    System.out.println("READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
