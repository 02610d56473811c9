package one.flowmade.aether.testkit.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.ActorPattern;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusMetrics;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventBus} keeps, as a JUnit 5 test suite: extend it, implement
 * {@link #createBus(BusListener)}, and every test runs against your bus.
 *
 * <pre>{@code
 * final class MyEventBusContractTest extends EventBusContract {
 *   @Override
 *   protected EventBus createBus(BusListener listener) {
 *     return MyEventBus.builder().listener(listener).build();
 *   }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Each test creates one bus, publishes and subscribes on it, and closes it (then calls {@link
 * #afterBusClosed(EventBus)} for resources of your own, such as a connection). Every namespace a
 * test uses starts with a random prefix, so tests never see each other's events even when buses
 * share a server; the names keep the relations a test is about ({@code a} is a prefix of {@code
 * a-b} and {@code ab}).
 *
 * <h2>What is checked</h2>
 * Every field of an event arrives unchanged (ids, types and actor ids with any characters,
 * metadata, binary data, timestamps to the nanosecond, version and position); a subscription to
 * one namespace never receives another's events, including names that share a prefix; a
 * subscription to all namespaces receives them all; type, exact actor, prefix and regular
 * expression filters and their combination; publish order and one call at a time; a throwing
 * handler is counted and reported and delivery goes on; every subscription receives every
 * matching event; events published before subscribing are not delivered; closing subscriptions
 * and the bus (idempotent, from a handler too, publish and subscribe refused after); and the
 * metrics. Overflow policies differ between implementations and are tested by each.
 *
 * <p>Delivery is asynchronous: the suite waits for it with {@link #timeout()}.
 */
public abstract class EventBusContract {

  private final List<Drop> drops = new CopyOnWriteArrayList<>();
  private final List<Throwable> handlerFailures = new CopyOnWriteArrayList<>();
  private final BusListener listener = new BusListener() {
    @Override
    public void dropped(Drop drop) {
      drops.add(drop);
    }

    @Override
    public void handlerFailed(BusSubscription subscription, BusEvent event, Throwable failure) {
      handlerFailures.add(failure);
    }
  };
  private String prefix;
  private EventBus bus;

  /** For subclasses. */
  protected EventBusContract() {}

  /**
   * Creates the bus for one test. The suite closes it.
   *
   * @param listener the listener the bus must report drops and handler failures to
   * @return a new, open bus
   * @throws Exception if it cannot be created
   */
  protected abstract EventBus createBus(BusListener listener) throws Exception;

  /**
   * Called after each test has closed its bus, to release what {@link #createBus} opened besides
   * it. Does nothing by default.
   *
   * @param bus the closed bus
   * @throws Exception if releasing fails
   */
  protected void afterBusClosed(EventBus bus) throws Exception {}

  /**
   * How long the suite waits for an asynchronous delivery; 10 s by default.
   *
   * @return the bound of every wait
   */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  @BeforeEach
  final void createBusForTest() throws Exception {
    prefix = "c" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36)
        .toLowerCase(Locale.ROOT);
    bus = createBus(listener);
  }

  @AfterEach
  final void closeBusAfterTest() throws Exception {
    try {
      bus.close();
    } finally {
      afterBusClosed(bus);
    }
  }

  /**
   * Returns the bus of the current test.
   *
   * @return the bus
   */
  protected final EventBus bus() {
    return bus;
  }

  /**
   * Returns a namespace unique to the current test.
   *
   * @param name the name's meaningful end, such as {@code a} or {@code a-b}
   * @return the namespace {@code <random prefix><name>}
   */
  protected final Namespace namespace(String name) {
    return Namespace.of(prefix + name);
  }

  private ConditionFactory await() {
    return Awaitility.await().atMost(timeout()).pollInterval(Duration.ofMillis(10));
  }

  private static BusEvent event(Namespace namespace, String actorId, String type) {
    return BusEvent.of(namespace, actorId, type, Payload.json("{}"));
  }

  /** Records what a handler receives and how many calls overlap. */
  private static final class Recorder implements BusHandler {
    final ConcurrentLinkedQueue<BusEvent> events = new ConcurrentLinkedQueue<>();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger maxInside = new AtomicInteger();

    @Override
    public void onEvent(BusEvent event) {
      int now = inside.incrementAndGet();
      maxInside.accumulateAndGet(now, Math::max);
      try {
        events.add(event);
      } finally {
        inside.decrementAndGet();
      }
    }

    List<BusEvent> list() {
      return new ArrayList<>(events);
    }

    List<String> ids() {
      return events.stream().map(BusEvent::id).toList();
    }

    boolean received(BusEvent event) {
      return events.stream().anyMatch(e -> e.id().equals(event.id()));
    }
  }

  /** Publishes a marker and waits until the recorder has it: everything published before it
   *  through this bus to that subscription has been delivered or never will be. */
  private void sync(Recorder recorder, Namespace namespace) {
    BusEvent marker = event(namespace, "marker", "Marker");
    bus.publish(marker);
    await().until(() -> recorder.received(marker));
  }

  // ------------------------------------------------------------------ content

  @Test
  void publishedEvent_reachesSubscriber_withEveryFieldUnchanged() {
    Namespace ns = namespace("fields");
    Recorder recorder = new Recorder();
    bus.subscribe(ns, recorder);
    byte[] data = {0, 1, 2, (byte) 0xFF, '\n', '%'};
    BusEvent sent = new BusEvent(ns, UUID.randomUUID().toString(), "Order placed.v1 \"100%\" *>",
        "order.1 *> ü😀\tend", 7, Instant.parse("2026-11-27T10:15:30.123456789Z"),
        Metadata.builder().correlationId("corr-1").causationId("cause 2")
            .put("note", "naïve \"quoted\" 50% ✓").build(),
        Payload.of(data, "application/x-thing; charset=\"x\""), 42);

    bus.publish(sent);

    await().until(() -> recorder.events.size() == 1);
    assertThat(recorder.list()).containsExactly(sent);
  }

  @Test
  void storedEventPublishedToItsNamespace_keepsVersionAndPosition() {
    Namespace ns = namespace("stored");
    Recorder recorder = new Recorder();
    bus.subscribe(ns, recorder);
    Event stored = new Event(UUID.randomUUID().toString(), "Deposited", "account-9", 3,
        Instant.parse("2026-01-02T03:04:05Z"), Metadata.empty(), Payload.json("{\"n\":1}"), 11);

    bus.publish(ns, stored);

    await().until(() -> recorder.events.size() == 1);
    assertThat(recorder.list().get(0).toStoredEvent()).contains(stored);
  }

  @Test
  void busOnlyEvent_arrivesWithoutVersionOrPosition() {
    Namespace ns = namespace("busonly");
    Recorder recorder = new Recorder();
    bus.subscribe(ns, recorder);

    bus.publish(BusEvent.of(ns, "a", "Pinged", Payload.of(
        "hi".getBytes(StandardCharsets.UTF_8), "text/plain")));

    await().until(() -> recorder.events.size() == 1);
    BusEvent received = recorder.list().get(0);
    assertThat(received.version()).isEqualTo(BusEvent.NONE);
    assertThat(received.position()).isEqualTo(BusEvent.NONE);
    assertThat(received.data().asUtf8()).isEqualTo("hi");
  }

  // ------------------------------------------------------------------ isolation

  @Test
  void subscriptionToOneNamespace_neverReceivesEventsOfNamespacesSharingItsPrefix() {
    Namespace a = namespace("a");
    Recorder recorder = new Recorder();
    bus.subscribe(a, recorder);

    for (String other : List.of("a-b", "a_b", "ab", "a0", "b")) {
      bus.publish(event(namespace(other), "x", "T"));
    }
    sync(recorder, a);

    assertThat(recorder.list()).extracting(BusEvent::namespace).containsOnly(a);
    assertThat(recorder.list()).hasSize(1);
  }

  @Test
  void subscriptionToAllNamespaces_receivesEveryNamespace() {
    Recorder recorder = new Recorder();
    bus.subscribe(NamespacePattern.all(), EventFilter.all(), recorder);
    List<Namespace> namespaces = List.of(namespace("x"), namespace("x-y"), namespace("z"));

    namespaces.forEach(ns -> bus.publish(event(ns, "a", "T")));

    await().until(() -> recorder.list().stream().map(BusEvent::namespace)
        .filter(namespaces::contains).count() == 3);
    assertThat(recorder.list()).extracting(BusEvent::namespace)
        .filteredOn(ns -> ns.name().startsWith(prefix))
        .containsExactlyElementsOf(namespaces);
  }

  // ------------------------------------------------------------------ filters

  @Test
  void typeFilter_deliversOnlyTheListedTypes() {
    Namespace ns = namespace("types");
    Recorder recorder = new Recorder();
    bus.subscribe(NamespacePattern.exactly(ns), EventFilter.ofTypes("Placed", "Shipped.v2"),
        recorder);

    for (String type : List.of("Placed", "placed", "Shipped", "Shipped.v2", "Placed2", "Cancelled",
        "Marker")) {
      bus.publish(event(ns, "a", type));
    }
    bus.publish(event(ns, "a", "Placed"));

    await().until(() -> recorder.events.size() == 3);
    assertThat(recorder.list()).extracting(BusEvent::type)
        .containsExactly("Placed", "Shipped.v2", "Placed");
  }

  @Test
  void exactActorFilter_deliversOnlyTheListedActors() {
    Namespace ns = namespace("actors");
    Recorder recorder = new Recorder();
    bus.subscribe(NamespacePattern.exactly(ns),
        EventFilter.ofActors(ActorPattern.oneOf(List.of("order.1", "order *"))), recorder);

    for (String actor : List.of("order.1", "order.10", "order", "order *", "order.2", "ORDER.1")) {
      bus.publish(event(ns, actor, "T"));
    }
    bus.publish(event(ns, "order.1", "Last"));

    await().until(() -> recorder.events.size() == 3);
    assertThat(recorder.list()).extracting(BusEvent::actorId)
        .containsExactly("order.1", "order *", "order.1");
  }

  @Test
  void prefixAndRegexFilters_matchLiterallyAndWholly() {
    Namespace ns = namespace("patterns");
    Recorder byPrefix = new Recorder();
    Recorder byRegex = new Recorder();
    bus.subscribe(NamespacePattern.exactly(ns),
        EventFilter.ofActors(ActorPattern.prefix("order.*")), byPrefix);
    bus.subscribe(NamespacePattern.exactly(ns),
        EventFilter.ofActors(ActorPattern.matching(Pattern.compile("order-\\d+"))), byRegex);

    for (String actor : List.of("order.*1", "order.1", "order-12", "order-12x", "xorder-1")) {
      bus.publish(event(ns, actor, "T"));
    }
    bus.publish(event(ns, "order.*end", "T"));
    bus.publish(event(ns, "order-99", "T"));

    await().until(() -> byPrefix.events.size() == 2 && byRegex.events.size() == 2);
    assertThat(byPrefix.list()).extracting(BusEvent::actorId)
        .containsExactly("order.*1", "order.*end");
    assertThat(byRegex.list()).extracting(BusEvent::actorId)
        .containsExactly("order-12", "order-99");
  }

  @Test
  void typeAndActorFilters_mustBothMatch() {
    Namespace ns = namespace("both");
    Recorder recorder = new Recorder();
    bus.subscribe(NamespacePattern.exactly(ns),
        EventFilter.ofTypes("A", "B").withActors(ActorPattern.oneOf(List.of("x", "y"))),
        recorder);

    bus.publish(event(ns, "x", "A"));
    bus.publish(event(ns, "x", "C"));
    bus.publish(event(ns, "z", "A"));
    bus.publish(event(ns, "y", "B"));

    await().until(() -> recorder.events.size() == 2);
    assertThat(recorder.list()).extracting(e -> e.actorId() + "/" + e.type())
        .containsExactly("x/A", "y/B");
  }

  // ------------------------------------------------------------------ delivery

  @Test
  void events_areDeliveredInPublishOrder_oneAtATime() {
    Namespace ns = namespace("order");
    Recorder recorder = new Recorder();
    bus.subscribe(ns, recorder);
    List<String> published = new ArrayList<>();

    for (int i = 0; i < 2_000; i++) {
      BusEvent e = event(ns, "actor-" + (i % 7), "T" + (i % 3));
      published.add(e.id());
      bus.publish(e);
    }

    await().until(() -> recorder.events.size() == published.size());
    assertThat(recorder.ids()).containsExactlyElementsOf(published);
    assertThat(recorder.maxInside.get()).isEqualTo(1);
  }

  @Test
  void everySubscription_receivesEveryMatchingEvent() {
    Namespace ns = namespace("fanout");
    List<Recorder> recorders = List.of(new Recorder(), new Recorder(), new Recorder());
    recorders.forEach(r -> bus.subscribe(ns, r));

    for (int i = 0; i < 100; i++) {
      bus.publish(event(ns, "a", "T"));
    }

    await().until(() -> recorders.stream().allMatch(r -> r.events.size() == 100));
    assertThat(recorders.get(1).ids()).isEqualTo(recorders.get(0).ids());
    assertThat(recorders.get(2).ids()).isEqualTo(recorders.get(0).ids());
  }

  @Test
  void eventsPublishedBeforeSubscribing_areNotDelivered() {
    Namespace ns = namespace("late");
    bus.publish(event(ns, "early", "T"));
    Recorder recorder = new Recorder();
    bus.subscribe(ns, recorder);

    sync(recorder, ns);

    assertThat(recorder.list()).extracting(BusEvent::actorId).containsExactly("marker");
  }

  @Test
  void throwingHandler_isCountedAndReported_andDeliveryGoesOn() {
    Namespace ns = namespace("failing");
    AtomicInteger calls = new AtomicInteger();
    BusSubscription failing = bus.subscribe(ns, e -> {
      if (calls.incrementAndGet() % 2 == 1) {
        throw new IllegalStateException("boom " + calls.get());
      }
    });
    Recorder healthy = new Recorder();
    bus.subscribe(ns, healthy);

    for (int i = 0; i < 10; i++) {
      bus.publish(event(ns, "a", "T"));
    }

    await().until(() -> calls.get() == 10 && healthy.events.size() == 10);
    await().until(() -> failing.delivered() == 10 && failing.handlerErrors() == 5);
    await().until(() -> bus.metrics(ns).handlerErrors() == 5);
    assertThat(failing.isActive()).isTrue();
    assertThat(handlerFailures).hasSize(5).allSatisfy(t ->
        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("boom"));
    assertThat(bus.metrics(ns).dropped()).isZero();
  }

  // ------------------------------------------------------------------ closing

  @Test
  void closedSubscription_receivesNothingMore_andCloseIsIdempotent() {
    Namespace ns = namespace("closing");
    Recorder closed = new Recorder();
    Recorder open = new Recorder();
    BusSubscription subscription = bus.subscribe(ns, closed);
    bus.subscribe(ns, open);
    bus.publish(event(ns, "a", "Before"));
    await().until(() -> closed.events.size() == 1);

    subscription.close();
    subscription.close();
    bus.publish(event(ns, "a", "After"));
    sync(open, ns);

    assertThat(subscription.isActive()).isFalse();
    assertThat(closed.list()).extracting(BusEvent::type).containsExactly("Before");
    assertThat(open.list()).extracting(BusEvent::type).containsExactly("Before", "After",
        "Marker");
  }

  @Test
  void subscriptionClosedByItsOwnHandler_stopsDelivering() {
    Namespace ns = namespace("selfclose");
    List<BusEvent> received = new CopyOnWriteArrayList<>();
    BusSubscription[] self = new BusSubscription[1];
    self[0] = bus.subscribe(ns, e -> {
      received.add(e);
      self[0].close();
    });
    Recorder other = new Recorder();
    bus.subscribe(ns, other);

    for (int i = 0; i < 5; i++) {
      bus.publish(event(ns, "a", "T"));
    }
    sync(other, ns);

    await().until(() -> !self[0].isActive());
    assertThat(received).hasSize(1);
  }

  @Test
  void closedBus_refusesPublishAndSubscribe_andCloseIsIdempotent() {
    Namespace ns = namespace("closedbus");
    BusSubscription subscription = bus.subscribe(ns, new Recorder());

    bus.close();
    bus.close();

    assertThat(bus.isClosed()).isTrue();
    assertThat(subscription.isActive()).isFalse();
    assertThatThrownBy(() -> bus.publish(event(ns, "a", "T")))
        .isInstanceOf(BusClosedException.class);
    assertThatThrownBy(() -> bus.subscribe(ns, new Recorder()))
        .isInstanceOf(BusClosedException.class);
  }

  // ------------------------------------------------------------------ metrics

  @Test
  void metrics_countPublishedDeliveredAndActiveSubscriptionsPerNamespace() {
    Namespace ns = namespace("metrics");
    Namespace other = namespace("metrics-other");
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    BusSubscription firstSubscription = bus.subscribe(ns, first);
    bus.subscribe(ns, second);
    Recorder everything = new Recorder();
    BusSubscription wildcard = bus.subscribe(NamespacePattern.all(), EventFilter.all(),
        everything);

    for (int i = 0; i < 5; i++) {
      bus.publish(event(ns, "a", "T"));
    }
    bus.publish(event(other, "a", "T"));

    await().until(() -> bus.metrics(ns).delivered() == 15 && bus.metrics(other).delivered() == 1);
    BusMetrics metrics = bus.metrics(ns);
    assertThat(metrics.published()).isEqualTo(5);
    assertThat(metrics.activeSubscriptions()).isEqualTo(3);
    assertThat(metrics.dropped()).isZero();
    assertThat(metrics.handlerErrors()).isZero();
    assertThat(metrics.queueDepth()).isZero();
    assertThat(bus.metrics(other).activeSubscriptions()).isEqualTo(1);
    assertThat(bus.metrics(namespace("unused"))).isEqualTo(new BusMetrics(0, 0, 0, 0, 1, 0));
    assertThat(firstSubscription.delivered()).isEqualTo(5);
    assertThat(wildcard.delivered()).isGreaterThanOrEqualTo(6);
    assertThat(bus.metrics().published()).isGreaterThanOrEqualTo(6);

    firstSubscription.close();

    assertThat(bus.metrics(ns).activeSubscriptions()).isEqualTo(2);
    assertThat(drops).isEmpty();
  }
}
