package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The adoption check of the cluster's bucket on a real server (issue 12, item 4): a node (or a
 * router that reads the shard count) refuses an existing bucket {@code aether-cluster-<cluster>}
 * whose stream could leak or forge, or allows direct gets (answered by replicas that may lag),
 * with an {@link UnsafeStreamException} naming the stream, the field and the value found, and
 * changes nothing: before, a node switched {@code allow_direct} off on an existing bucket by
 * itself. A bucket as {@code aether-admin} provisions it is adopted unchanged.
 */
final class ClusterBucketAdoptionIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final AtomicInteger NEXT = new AtomicInteger();
  /** Another cluster, whose bucket a tampered one points at. */
  private static final String VICTIM = "adopt-victim";
  private static final String VICTIM_STREAM = "KV_" + AetherStreams.clusterBucketName(VICTIM);
  /** A bucket that allows direct gets, as a mirror must mirror to take part in them. */
  private static final String DIRECT_STREAM = "KV_" + AetherStreams.clusterBucketName(
      "adopt-direct");
  private static Connection connection;
  private static JetStreamManagement jsm;

  @BeforeAll
  static void connect() throws Exception {
    connection = NATS.connect();
    jsm = connection.jetStreamManagement();
    jsm.addStream(AetherStreams.clusterBucket(VICTIM, 1));
    jsm.addStream(StreamConfiguration.builder(AetherStreams.clusterBucket("adopt-direct", 1))
        .allowDirect(true).build());
  }

  @AfterAll
  static void close() {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Creates a cluster's bucket as Aether would, changed by {@code tamper}; returns the cluster. */
  private static String tampered(UnaryOperator<StreamConfiguration.Builder> tamper)
      throws Exception {
    String cluster = "adopt-" + NEXT.incrementAndGet();
    jsm.addStream(tamper.apply(StreamConfiguration.builder(
        AetherStreams.clusterBucket(cluster, 1))).build());
    return cluster;
  }

  /** A mirror of the victim's bucket (the server forbids subjects and delete markers on one). */
  private static StreamConfiguration.Builder mirror(StreamConfiguration.Builder b) {
    return b.subjects().subjectDeleteMarkerTtl(null)
        .mirror(Mirror.builder().name(VICTIM_STREAM).build());
  }

  private static String stream(String cluster) {
    return "KV_" + AetherStreams.clusterBucketName(cluster);
  }

  private static String subjects(String cluster) {
    return "$KV." + AetherStreams.clusterBucketName(cluster) + ".>";
  }

  private static ClusterNode.Builder node(String cluster) {
    return TestCluster.fast(ClusterNode.builder()).connection(connection).clusterName(cluster)
        .nodeId("node-1").shardCount(4).shutdownHook(false);
  }

  /**
   * Asserts that a node of {@code cluster} is refused on {@code field}, that the message says
   * how to fix it, and that the bucket is left exactly as it was, with nothing written.
   */
  private static void assertRefused(String cluster, String field, String value)
      throws Exception {
    String stream = stream(cluster);
    String before = jsm.getStreamInfo(stream).getConfiguration().toJson();
    assertThatThrownBy(() -> node(cluster).build())
        .isInstanceOfSatisfying(UnsafeStreamException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream);
          assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.found()).contains(value);
          });
          assertThat(e.getMessage()).contains("'" + stream + "'", field + " is", value,
              "aether-admin", "Nothing was changed");
        });
    assertThat(jsm.getStreamInfo(stream).getConfiguration().toJson()).isEqualTo(before);
    assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).isZero();
  }

  @Test
  void sourcesFromAnotherClustersBucket_areRefused() throws Exception {
    String cluster = tampered(b -> b.sources(Source.builder().name(VICTIM_STREAM).build()));
    assertRefused(cluster, "sources", VICTIM_STREAM);
  }

  @Test
  void aMirrorOfAnotherClustersBucket_isRefused() throws Exception {
    String cluster = tampered(b -> mirror(b));
    assertRefused(cluster, "mirror", VICTIM_STREAM);
  }

  @Test
  void republishIntoAnotherClustersBucket_isRefused() throws Exception {
    String cluster = "adopt-" + (NEXT.get() + 1);
    tampered(b -> b.republish(Republish.builder().source(subjects(cluster))
        .destination(subjects(VICTIM)).build()));
    assertRefused(cluster, "republish", subjects(VICTIM));
  }

  @Test
  void aSubjectTransform_isRefused() throws Exception {
    String cluster = "adopt-" + (NEXT.get() + 1);
    tampered(b -> b.subjectTransform(SubjectTransform.builder().source(subjects(cluster))
        .destination("$KV." + AetherStreams.clusterBucketName(cluster) + ".moved.>").build()));
    assertRefused(cluster, "subject_transform", ".moved.>");
  }

  @Test
  void subjectsBeyondTheBucketsOwn_areRefused() throws Exception {
    String cluster = "adopt-" + (NEXT.get() + 1);
    tampered(b -> b.subjects(subjects(cluster), "aether.cluster.other.>"));
    assertRefused(cluster, "subjects", "aether.cluster.other.>");
  }

  @Test
  void directGets_areRefused_andNotSwitchedOff() throws Exception {
    String cluster = tampered(b -> b.allowDirect(true));
    assertRefused(cluster, "allow_direct", "true");
    assertThat(jsm.getStreamInfo(stream(cluster)).getConfiguration().getAllowDirect()).isTrue();
  }

  @Test
  void mirrorDirectGets_areRefused() throws Exception {
    // The server keeps mirror_direct only on a mirror of a stream that allows direct gets.
    String cluster = tampered(b -> mirror(b).mirror(Mirror.builder().name(DIRECT_STREAM).build())
        .mirrorDirect(true));
    assertRefused(cluster, "mirror_direct", "true");
  }

  @Test
  void aRouterReadingTheShardCount_refusesTheBucketToo() throws Exception {
    String cluster = tampered(b -> b.sources(Source.builder().name(VICTIM_STREAM).build()));
    assertThatThrownBy(() -> ClusterRouter.builder().connection(connection).clusterName(cluster)
        .build())
        .isInstanceOf(UnsafeStreamException.class)
        .hasMessageContaining("'" + stream(cluster) + "'")
        .hasMessageContaining("sources is [" + VICTIM_STREAM + "]");
  }

  @Test
  void aBucketAsProvisioned_isAdoptedUnchanged() throws Exception {
    String cluster = tampered(b -> b);
    String before = jsm.getStreamInfo(stream(cluster)).getConfiguration().toJson();
    try (ClusterNode node = node(cluster).build()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(node.members())
          .extracting(Member::nodeId).containsExactly("node-1"));
    }
    assertThat(jsm.getStreamInfo(stream(cluster)).getConfiguration().toJson()).isEqualTo(before);
  }
}
