package one.flowmade.aether.cluster;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Health;
import one.flowmade.aether.cluster.internal.runtime.NodeHealth;
import one.flowmade.aether.cluster.internal.runtime.NodeHealth.Entry;
import one.flowmade.aether.cluster.internal.runtime.NodeHealth.Observed;
import org.junit.jupiter.api.Test;

/**
 * How {@link ClusterNode#health()} judges what it observed; {@code ClusterNodeHealthIT} checks
 * the observations on a real server.
 */
final class NodeHealthTest {

  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private static Observed healthy() {
    return new Observed("n1", "orders", false, Connection.Status.CONNECTED, true, true, 700 * MS,
        Entry.MINE, null, "n2", 0, 4, 8, Duration.ofSeconds(15), Duration.ofSeconds(2),
        Duration.ofSeconds(15));
  }

  private static Observed with(Observed o, Connection.Status connection, boolean hasLease,
      boolean leaseValid, long renewalAge, Entry entry, String leaderId, long leaderUnknown) {
    return new Observed(o.nodeId(), o.clusterName(), o.closed(), connection, hasLease,
        leaseValid, renewalAge, entry, entry == Entry.NO_ANSWER ? "timed out" : null, leaderId,
        leaderUnknown, o.epoch(), o.shardsOwned(), o.membershipTtl(), o.safetyMargin(),
        o.leaderLeaseTtl());
  }

  @Test
  void aMemberWithItsEntryAndALeader_isUp_withItsDetails() {
    Health health = NodeHealth.decide(healthy());

    assertThat(health.isUp()).isTrue();
    assertThat(health.details()).containsExactly(
        entry("cluster", "orders"), entry("node", "n1"),
        entry("connection", "CONNECTED"), entry("member", "true"),
        entry("membership.entry", "mine"), entry("leader", "n2"),
        entry("epoch", "4"), entry("shards.owned", "8"),
        entry("membership.renewalAgeMs", "700"));
  }

  @Test
  void notConnected_isDown_namingTheStatus() {
    Health health = NodeHealth.decide(with(healthy(), Connection.Status.RECONNECTING, true, true,
        700 * MS, Entry.NOT_READ, "n2", 0));

    assertThat(health.isUp()).isFalse();
    assertThat(health.details().get("reason")).isEqualTo("not connected to NATS (RECONNECTING)");
  }

  @Test
  void aLeaseThatRanOut_isDown_withItsRenewalAge_evenBeforeTheNodeNoticed() {
    Health health = NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true, false,
        13_400 * MS, Entry.NOT_READ, "n2", 0));

    assertThat(health.isUp()).isFalse();
    assertThat(health.details()).containsEntry("member", "false")
        .containsEntry("membership.renewalAgeMs", "13400");
    assertThat(health.details().get("reason")).isEqualTo("its membership lease was last renewed"
        + " 13400 ms ago and has run out (membership TTL 15000 ms less the safety margin 2000"
        + " ms)");
  }

  @Test
  void noLeaseBetweenALossAndTheRejoin_isDown() {
    Health health = NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, false, false,
        -1, Entry.NOT_READ, "n2", 0));

    assertThat(health.details()).containsEntry("membership.renewalAgeMs", "none");
    assertThat(health.details().get("reason")).contains("not a member of cluster orders");
  }

  @Test
  void anEntryMissingHeldByAnotherIncarnationOrUnanswered_isDown() {
    assertThat(NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true, true, 0,
        Entry.MISSING, "n2", 0)).details().get("reason"))
        .isEqualTo("its membership entry members.n1 is missing or expired on the server");
    assertThat(NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true, true, 0,
        Entry.OTHER_INCARNATION, "n2", 0)).details().get("reason"))
        .contains("held by another incarnation of node id n1");
    Health unanswered = NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true,
        true, 0, Entry.NO_ANSWER, "n2", 0));
    assertThat(unanswered.details().get("reason"))
        .isEqualTo("no answer from NATS about its membership entry: timed out");
    assertThat(unanswered.details()).containsEntry("membership.entry", "no-answer");
  }

  @Test
  void noLeader_isUpWithinTheLeaderLeaseTtl_andDownAfterIt() {
    Health briefly = NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true, true, 0,
        Entry.MINE, null, 15_000 * MS));
    Health tooLong = NodeHealth.decide(with(healthy(), Connection.Status.CONNECTED, true, true,
        0, Entry.MINE, null, 15_001 * MS));

    assertThat(briefly.isUp()).isTrue();
    assertThat(briefly.details()).containsEntry("leader", "none");
    assertThat(tooLong.isUp()).isFalse();
    assertThat(tooLong.details().get("reason")).isEqualTo("no leader known for 15001 ms, longer"
        + " than the leader lease TTL 15000 ms");
  }

  @Test
  void aClosedNode_isDown_beforeAnythingElse() {
    Observed o = healthy();
    Observed closed = new Observed(o.nodeId(), o.clusterName(), true,
        Connection.Status.CLOSED, false, false, -1, Entry.NOT_READ, null, null, 0, -1, 0,
        o.membershipTtl(), o.safetyMargin(), o.leaderLeaseTtl());

    Health health = NodeHealth.decide(closed);

    assertThat(health.details()).containsEntry("reason", "the node is closed")
        .doesNotContainKey("connection");
  }
}
