package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.External;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.Source;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.SubjectTransform;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The adoption check on a real server: an existing stream whose configuration could leak or
 * forge (issue 12: a tenant that updated its own stream with {@code sources} of another
 * namespace's stream, or a {@code republish} into the other's subjects) is refused with an error
 * naming the stream, the field and the value found, and left unchanged; a stream as Aether
 * creates it opens.
 */
final class AdoptionCheckIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final Namespace VICTIM = Namespace.of("adopt-victim");
  private static Connection connection;
  private static JetStreamManagement jsm;

  @BeforeAll
  static void connect() throws Exception {
    connection = NATS.connect();
    jsm = connection.jetStreamManagement();
    jsm.addStream(AetherStreams.events(VICTIM));
  }

  @AfterAll
  static void close() throws Exception {
    connection.close();
  }

  /** Creates namespace's event stream as Aether would, changed by {@code tamper}. */
  private static Namespace tampered(UnaryOperator<StreamConfiguration.Builder> tamper)
      throws Exception {
    Namespace ns = Namespace.of("adopt-" + NEXT.incrementAndGet());
    jsm.addStream(tamper.apply(StreamConfiguration.builder(AetherStreams.events(ns))).build());
    return ns;
  }

  private static void assertRefused(Namespace ns, String field, String value) {
    String stream = SubjectLayout.streamName(ns);
    assertThatThrownBy(() -> JetStreamEventStore.builder(connection, ns).build())
        .isInstanceOfSatisfying(UnsafeStreamException.class, e -> {
          assertThat(e.stream()).isEqualTo(stream);
          assertThat(e.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.found()).contains(value);
          });
          assertThat(e.getMessage()).contains("'" + stream + "'", field + " is", value);
        });
  }

  @Test
  void sourcesFromAnotherNamespacesStream_areRefused() throws Exception {
    String victim = SubjectLayout.streamName(VICTIM);
    Namespace ns = tampered(b -> b.sources(Source.builder().name(victim).build()));
    assertRefused(ns, "sources", victim);
    assertThat(jsm.getStreamInfo(SubjectLayout.streamName(ns)).getConfiguration().getSources())
        .hasSize(1);
  }

  @Test
  void sourcesWithAnExternalApiPrefix_areRefused() throws Exception {
    Namespace ns = tampered(b -> b.sources(Source.builder().name("AETHER_x")
        .external(External.builder().api("$JS.other.API").build()).build()));
    assertRefused(ns, "sources", "$JS.other.API");
  }

  @Test
  void aMirror_isRefused() throws Exception {
    Namespace ns = tampered(b -> b.subjects().mirror(Mirror.builder()
        .name(SubjectLayout.streamName(VICTIM)).build()).republish(null).allowAtomicPublish(false));
    assertRefused(ns, "mirror", SubjectLayout.streamName(VICTIM));
  }

  @Test
  void republishIntoAnotherNamespacesSubjects_isRefused() throws Exception {
    Namespace probe = Namespace.of("adopt-" + (NEXT.get() + 1));
    Namespace ns = tampered(b -> b.republish(Republish.builder()
        .source(SubjectLayout.allEvents(probe))
        .destination(SubjectLayout.allEvents(VICTIM)).build()));
    assertRefused(ns, "republish", SubjectLayout.allEvents(VICTIM));
  }

  @Test
  void aSubjectTransform_isRefused() throws Exception {
    Namespace probe = Namespace.of("adopt-" + (NEXT.get() + 1));
    Namespace ns = tampered(b -> b.subjectTransform(SubjectTransform.builder()
        .source(SubjectLayout.allEvents(probe)).destination("aether.ev.adopt-victim.>").build()));
    assertRefused(ns, "subject_transform", "aether.ev.adopt-victim.>");
  }

  @Test
  void subjectsBeyondTheNamespaces_areRefused() throws Exception {
    Namespace probe = Namespace.of("adopt-" + (NEXT.get() + 1));
    Namespace ns = tampered(b -> b.subjects(SubjectLayout.allEvents(probe), "aether.snap.other.>"));
    assertRefused(ns, "subjects", "aether.snap.other.>");
  }

  @Test
  void anOlderStreamWithoutDirectGets_opens() throws Exception {
    Namespace ns = tampered(b -> b.allowDirect(false));
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, ns).build()) {
      assertThat(store.lastPosition()).isZero();
    }
  }

  @Test
  void aSnapshotStreamWithSources_isRefusedByTheSnapshotStore() throws Exception {
    Namespace ns = Namespace.of("adopt-snap");
    jsm.addStream(StreamConfiguration.builder(AetherStreams.snapshots(ns))
        .sources(Source.builder().name(SubjectLayout.streamName(VICTIM)).build()).build());
    assertThatThrownBy(() -> JetStreamSnapshotStore.builder(connection, ns).build())
        .isInstanceOf(UnsafeStreamException.class)
        .hasMessageContaining("'AETHERSNAP_adopt-snap'")
        .hasMessageContaining("sources is [" + SubjectLayout.streamName(VICTIM) + "]");
  }

  @Test
  void aStreamAsAetherCreatesIt_opens() throws Exception {
    Namespace ns = tampered(b -> b);
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, ns)
        .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(5))).build()) {
      assertThat(store.lastPosition()).isZero();
    }
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, VICTIM).build()) {
      assertThat(store.lastPosition()).isZero();
    }
  }
}
