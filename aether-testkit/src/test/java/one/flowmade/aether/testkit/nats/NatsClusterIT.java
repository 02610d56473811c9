package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// Connection.close() declares InterruptedException, which -Xlint:try reports for every
// try-with-resources on a connection; the tests let it propagate.
@SuppressWarnings("try")
final class NatsClusterIT {

  @RegisterExtension static final NatsServerExtension nats = NatsServerExtension.cluster(3);

  @AfterEach
  void leaveTheClusterHealthyForTheNextTest() {
    nats.cluster().nodes().forEach(NatsNode::resume);
    nats.cluster().waitForJetStreamReady();
  }

  @Test
  void start_formsAClusterInWhichEveryNodeRoutesToTheOthers() throws Exception {
    NatsCluster cluster = nats.cluster();

    assertThat(cluster.size()).isEqualTo(3);
    assertThat(cluster.nodes()).extracting(NatsNode::name).containsExactly("n1", "n2", "n3");
    assertThat(cluster.urls().split(","))
        .containsExactly(cluster.node(1).url(), cluster.node(2).url(), cluster.node(3).url());
    for (NatsNode node : cluster.nodes()) {
      List<String> others = new ArrayList<>(List.of("n1", "n2", "n3"));
      others.remove(node.name());
      assertThat(Monitor.routedServerNames(node.monitorUrl()))
          .as("servers %s routes to", node.name())
          .containsExactlyInAnyOrderElementsOf(others);
      try (Connection nc = node.connect()) {
        assertThat(nc.getServerInfo().getServerName()).isEqualTo(node.name());
      }
    }
  }

  @Test
  void anR3Stream_isReplicatedOnEveryNode() throws Exception {
    try (Connection nc = nats.connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      jsm.addStream(
          StreamConfiguration.builder()
              .name("REPLICATED")
              .subjects("replicated.>")
              .storageType(StorageType.File)
              .replicas(3)
              .build());

      StreamInfo info = jsm.getStreamInfo("REPLICATED");
      ClusterInfo clusterInfo = info.getClusterInfo();

      assertThat(info.getConfiguration().getReplicas()).isEqualTo(3);
      List<String> members = new ArrayList<>();
      members.add(clusterInfo.getLeader());
      clusterInfo.getReplicas().forEach(r -> members.add(r.getName()));
      assertThat(members).containsExactlyInAnyOrder("n1", "n2", "n3");
      assertThat(nats.cluster().streamLeader("REPLICATED").name())
          .isEqualTo(clusterInfo.getLeader());
      assertThat(clusterInfo.getReplicas()).allMatch(Replica::isCurrent);
    }
  }

  @Test
  void pausedNode_answersNothingUntilResumed() throws Exception {
    NatsNode node = nats.cluster().node(2);
    try (Connection direct = nats.cluster().connect(2)) {
      direct.flush(Duration.ofSeconds(2));

      node.pause();

      assertThat(node.isPaused()).isTrue();
      assertThat(node.isRunning()).isTrue();
      assertThatThrownBy(() -> direct.flush(Duration.ofMillis(500)))
          .isInstanceOf(TimeoutException.class);

      node.resume();

      assertThat(node.isPaused()).isFalse();
      await("n2 to answer again")
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> direct.flush(Duration.ofSeconds(1)));
    }
  }

  @Test
  void node_isNumberedFromOneLikeTheServerNames() {
    NatsCluster cluster = nats.cluster();

    assertThat(cluster.node(1).name()).isEqualTo("n1");
    assertThat(cluster.node("n3")).isSameAs(cluster.node(3));
    assertThatThrownBy(() -> cluster.node(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numbered 1 to 3");
    assertThatThrownBy(() -> cluster.node(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cluster.streamLeader("NO_SUCH_STREAM"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no stream named NO_SUCH_STREAM");
  }

  @Test
  void close_stopsEveryProcessAndDeletesEveryDirectory() {
    NatsCluster cluster = NatsCluster.builder().size(3).clusterName("closing").start();
    List<Long> pids = cluster.nodes().stream().map(n -> n.pid().orElseThrow()).toList();
    Path directory = cluster.directory();
    cluster.node(3).kill();
    assertThat(directory.resolve("n1").resolve("store")).isDirectory();

    cluster.close();
    cluster.close();

    assertThat(pids)
        .hasSize(3)
        .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
    assertThat(directory).doesNotExist();
    assertThat(cluster.nodes()).noneMatch(NatsNode::isRunning);
    assertThatThrownBy(() -> cluster.node(1).restart()).isInstanceOf(IllegalStateException.class);
  }
}
