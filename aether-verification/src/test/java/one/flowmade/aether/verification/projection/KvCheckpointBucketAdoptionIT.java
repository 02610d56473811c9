package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adoption check of the projection checkpoint bucket on a real server (issue 12, item 4):
 * {@link KvCheckpointStore#open} refuses an existing bucket {@code aether-projections-<ns>} whose
 * stream could leak or forge with an {@link UnsafeStreamException} naming the stream, the field
 * and the value found, and changes nothing; before, it opened any bucket of that name. A bucket
 * as {@code aether-admin} provisions it (and as the store creates it) is adopted unchanged.
 */
final class KvCheckpointBucketAdoptionIT {

  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final Namespace VICTIM = Namespace.of("adopt-victim");
  private static final String VICTIM_STREAM = stream(VICTIM);
  private static NatsServer nats;
  private static Connection connection;
  private static JetStreamManagement jsm;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    connection = nats.connect();
    jsm = connection.jetStreamManagement();
    jsm.addStream(AetherStreams.checkpointBucket(VICTIM, 1).getBackingConfig());
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    nats.close();
  }

  private static String stream(Namespace ns) {
    return "KV_" + AetherStreams.checkpointBucketName(ns);
  }

  private static String subjects(Namespace ns) {
    return "$KV." + AetherStreams.checkpointBucketName(ns) + ".>";
  }

  private static Namespace next() {
    return Namespace.of("adopt-" + (NEXT.get() + 1));
  }

  /** Creates a namespace's checkpoint bucket as provisioned, changed by {@code tamper}. */
  private static Namespace tampered(UnaryOperator<StreamConfiguration.Builder> tamper)
      throws Exception {
    Namespace ns = Namespace.of("adopt-" + NEXT.incrementAndGet());
    jsm.addStream(tamper.apply(StreamConfiguration.builder(
        AetherStreams.checkpointBucket(ns, 1).getBackingConfig())).build());
    return ns;
  }

  private static StreamConfiguration.Builder mirror(StreamConfiguration.Builder b) {
    return b.subjects().mirror(Mirror.builder().name(VICTIM_STREAM).build());
  }

  /** Asserts the refusal on {@code field}, and that the bucket is as it was, with nothing in it. */
  private static void assertRefused(Namespace ns, String field, String value) throws Exception {
    String stream = stream(ns);
    String before = jsm.getStreamInfo(stream).getConfiguration().toJson();
    assertThatThrownBy(() -> KvCheckpointStore.open(connection, ns))
        .isInstanceOfSatisfying(UnsafeStreamException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream);
          assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.found()).contains(value);
          });
          assertThat(e.getMessage()).contains("checkpoint store of namespace '" + ns.name()
              + "'", "'" + stream + "'", field + " is", value, "aether-admin",
              "Nothing was changed");
        });
    assertThat(jsm.getStreamInfo(stream).getConfiguration().toJson()).isEqualTo(before);
    assertThat(jsm.getStreamInfo(stream).getStreamState().getMsgCount()).isZero();
  }

  @Test
  void sourcesFromAnotherNamespacesBucket_areRefused() throws Exception {
    Namespace ns = tampered(b -> b.sources(Source.builder().name(VICTIM_STREAM).build()));
    assertRefused(ns, "sources", VICTIM_STREAM);
  }

  @Test
  void aMirrorOfAnotherNamespacesBucket_isRefused() throws Exception {
    Namespace ns = tampered(KvCheckpointBucketAdoptionIT::mirror);
    assertRefused(ns, "mirror", VICTIM_STREAM);
  }

  @Test
  void republishIntoAnotherNamespacesBucket_isRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.republish(Republish.builder().source(subjects(ns))
        .destination(subjects(VICTIM)).build()));
    assertRefused(ns, "republish", subjects(VICTIM));
  }

  @Test
  void aSubjectTransform_isRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.subjectTransform(SubjectTransform.builder().source(subjects(ns))
        .destination("$KV." + AetherStreams.checkpointBucketName(ns) + ".moved.>").build()));
    assertRefused(ns, "subject_transform", ".moved.>");
  }

  @Test
  void subjectsBeyondTheBucketsOwn_areRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.subjects(subjects(ns), "aether.ev.adopt-victim.>"));
    assertRefused(ns, "subjects", "aether.ev.adopt-victim.>");
  }

  @Test
  void mirrorDirectGets_areRefused() throws Exception {
    // The victim's bucket allows direct gets (a KV default), so the server keeps mirror_direct.
    Namespace ns = tampered(b -> mirror(b).mirrorDirect(true));
    assertRefused(ns, "mirror_direct", "true");
  }

  @Test
  void aBucketAsProvisioned_isAdoptedUnchanged() throws Exception {
    Namespace ns = tampered(b -> b);
    String before = jsm.getStreamInfo(stream(ns)).getConfiguration().toJson();
    KvCheckpointStore store = KvCheckpointStore.open(connection, ns);
    assertThat(store.claim("orders-view")).isEqualTo(new Checkpoint(0, 1));
    assertThat(jsm.getStreamInfo(stream(ns)).getConfiguration().toJson()).isEqualTo(before);
  }

  @Test
  void aBucketTheStoreCreated_isAdoptedOnTheNextOpen() throws Exception {
    Namespace ns = Namespace.of("adopt-created");
    KvCheckpointStore.open(connection, ns).claim("orders-view");
    assertThat(KvCheckpointStore.open(connection, ns).load("orders-view"))
        .contains(new Checkpoint(0, 1));
  }
}
