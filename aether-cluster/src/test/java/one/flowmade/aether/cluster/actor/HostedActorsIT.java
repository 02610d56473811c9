package one.flowmade.aether.cluster.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hosted actors on a single nats-server (R1), plus the stale-owner fencing test. */
final class HostedActorsIT extends HostedActorsTests {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Override
  NatsServerExtension nats() {
    return NATS;
  }

  @Override
  int replicas() {
    return 1;
  }

  @Test
  void staleOwner_pausedWhileDeciding_cannotAppendAfterLosingItsShard() throws Exception {
    startNode("a", 100);
    startNode("b", 100);
    awaitAllShardsOwned();
    String victim = nodes.entrySet().stream()
        .filter(e -> e.getValue().ownsActor("f-1")).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
    ClusterNode successor = nodes.get(victim.equals("a") ? "b" : "a");
    Duration slowTimeout = Duration.ofSeconds(15);
    ClusterRouter sender = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).requestTimeout(slowTimeout)
        .attemptTimeout(slowTimeout).build();
    ActorClient client = ActorClient.of(sender);
    client.send(ACCOUNT, "f-1", new Deposit(1), "f-0", Duration.ofSeconds(10));

    CompletableFuture<CommandOutcome<Deposited>> stale =
        client.sendAsync(ACCOUNT, "f-1", new Deposit(SLOW), "f-slow", slowTimeout);
    assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    connections.get(victim).close(); // its lease runs out while its command is deciding
    await().atMost(Duration.ofSeconds(30)).until(() -> successor.ownsActor("f-1"));
    ActorClient fresh = ActorClient.of(successor.router());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(
        AetherTransientException.class).until(() -> fresh.send(ACCOUNT, "f-1", new Deposit(5),
            "f-new", Duration.ofSeconds(5)).status() == CommandOutcome.Status.APPLIED);
    slowGate.countDown();
    await().atMost(Duration.ofSeconds(30)).until(stale::isDone);

    assertThat(stored("f-1")).extracting(e -> e.metadata().get(CommandIds.METADATA_KEY)
        .orElseThrow()).containsExactly("f-0", "f-new");
  }

}
