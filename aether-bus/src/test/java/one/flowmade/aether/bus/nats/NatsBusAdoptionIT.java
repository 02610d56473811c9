package one.flowmade.aether.bus.nats;

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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The NATS bus's adoption check on a real server (issue 12, item 4). A subscription to one
 * namespace receives what that namespace's event stream republishes, so the bus refuses the
 * subscription when the stream could bring other data in or send the namespace's events
 * elsewhere, with an {@link UnsafeStreamException} naming the stream, the field and the value
 * found; nothing is subscribed and the stream is not changed. Before, the bus read the stream only
 * to warn when it did not republish, and subscribed to any stream. A stream as Aether creates it
 * feeds the subscription and is left as it was.
 */
final class NatsBusAdoptionIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final Namespace VICTIM = Namespace.of("bus-victim");
  private static final String VICTIM_STREAM = SubjectLayout.streamName(VICTIM);
  private static Connection connection;
  private static JetStreamManagement jsm;
  private static NatsEventBus bus;

  @BeforeAll
  static void connect() throws Exception {
    connection = NATS.connect();
    jsm = connection.jetStreamManagement();
    jsm.addStream(AetherStreams.events(VICTIM));
    bus = NatsEventBus.builder(connection).build();
  }

  @AfterAll
  static void close() throws Exception {
    bus.close();
    connection.close();
  }

  private static Namespace next() {
    return Namespace.of("bus-adopt-" + (NEXT.get() + 1));
  }

  /** Creates a namespace's event stream as Aether would, changed by {@code tamper}. */
  private static Namespace tampered(UnaryOperator<StreamConfiguration.Builder> tamper)
      throws Exception {
    Namespace ns = Namespace.of("bus-adopt-" + NEXT.incrementAndGet());
    jsm.addStream(tamper.apply(StreamConfiguration.builder(AetherStreams.events(ns))).build());
    return ns;
  }

  /** A mirror of the victim's stream (the server forbids subjects and atomic publish on one). */
  private static StreamConfiguration.Builder mirror(StreamConfiguration.Builder b) {
    return b.subjects().republish(null).allowAtomicPublish(false)
        .mirror(Mirror.builder().name(VICTIM_STREAM).build());
  }

  /** Asserts the refusal on {@code field}: nothing subscribed, the stream as it was. */
  private static void assertRefused(Namespace ns, String field, String value) throws Exception {
    String stream = SubjectLayout.streamName(ns);
    String before = jsm.getStreamInfo(stream).getConfiguration().toJson();
    for (int attempt = 0; attempt < 2; attempt++) { // refused every time, not only the first
      assertThatThrownBy(() -> bus.subscribe(ns, event -> { }))
          .isInstanceOfSatisfying(UnsafeStreamException.class, e -> {
            assertThat(e.stream()).isEqualTo(stream);
            assertThat(e.violations()).anySatisfy(v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.found()).contains(value);
            });
            assertThat(e.getMessage()).contains("NATS bus", "'" + stream + "'", field + " is",
                value, "aether-admin", "Nothing was changed");
          });
    }
    assertThat(bus.metrics(ns).activeSubscriptions()).isZero();
    assertThat(jsm.getStreamInfo(stream).getConfiguration().toJson()).isEqualTo(before);
  }

  @Test
  void anEventStreamWithSources_isRefused() throws Exception {
    Namespace ns = tampered(b -> b.sources(Source.builder().name(VICTIM_STREAM).build()));
    assertRefused(ns, "sources", VICTIM_STREAM);
  }

  @Test
  void anEventStreamThatMirrors_isRefused() throws Exception {
    Namespace ns = tampered(NatsBusAdoptionIT::mirror);
    assertRefused(ns, "mirror", VICTIM_STREAM);
  }

  @Test
  void anEventStreamRepublishingIntoAnotherNamespace_isRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.republish(Republish.builder().source(SubjectLayout.allEvents(ns))
        .destination(SubjectLayout.allBusEvents(VICTIM)).build()));
    assertRefused(ns, "republish", SubjectLayout.allBusEvents(VICTIM));
  }

  @Test
  void anEventStreamWithASubjectTransform_isRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.subjectTransform(SubjectTransform.builder()
        .source(SubjectLayout.allEvents(ns)).destination("aether.ev." + ns.name() + ".x.>")
        .build()));
    assertRefused(ns, "subject_transform", ".x.>");
  }

  @Test
  void anEventStreamCapturingOtherSubjects_isRefused() throws Exception {
    Namespace ns = next();
    tampered(b -> b.subjects(SubjectLayout.allEvents(ns), "aether.snap.bus-victim.>"));
    assertRefused(ns, "subjects", "aether.snap.bus-victim.>");
  }

  @Test
  void anEventStreamWithMirrorDirectGets_isRefused() throws Exception {
    Namespace ns = tampered(b -> mirror(b).mirrorDirect(true));
    assertRefused(ns, "mirror_direct", "true");
  }

  @Test
  void aStreamAsAetherCreatesIt_feedsTheSubscription_andIsLeftAsItWas() throws Exception {
    Namespace ns = Namespace.of("bus-adopt-safe");
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, ns).build()) {
      String before = jsm.getStreamInfo(SubjectLayout.streamName(ns)).getConfiguration().toJson();
      List<BusEvent> received = new CopyOnWriteArrayList<>();
      bus.subscribe(ns, received::add);
      store.append("account-1", ExpectedVersion.any(),
          NewEvent.of("Deposited", Payload.json("{\"amount\":5}")));
      await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
      assertThat(received.get(0).type()).isEqualTo("Deposited");
      assertThat(jsm.getStreamInfo(SubjectLayout.streamName(ns)).getConfiguration().toJson())
          .isEqualTo(before);
    }
  }
}
