package one.flowmade.aether.bus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusOverflowException;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.bus.OverflowPolicy;
import one.flowmade.aether.bus.PublishInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class LocalEventBusTest {

  private static final Namespace NS = Namespace.of("orders");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Queue<Drop> drops = new ConcurrentLinkedQueue<>();
  private final BusListener recording = new BusListener() {
    @Override
    public void dropped(Drop drop) {
      drops.add(drop);
    }
  };
  private final List<LocalEventBus> buses = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);

  @AfterEach
  void closeBuses() {
    gate.countDown();
    buses.forEach(LocalEventBus::close);
  }

  private LocalEventBus bus(LocalEventBus.Builder builder) {
    LocalEventBus bus = builder.listener(recording).build();
    buses.add(bus);
    return bus;
  }

  private static BusEvent event(String actorId) {
    return BusEvent.of(NS, actorId, "T", Payload.empty());
  }

  private static BusEvent[] events(int n) {
    BusEvent[] events = new BusEvent[n];
    for (int i = 0; i < n; i++) {
      events[i] = event("e" + i);
    }
    return events;
  }

  /** A handler that records events and blocks on the first one until the test opens the gate. */
  private final class GatedRecorder implements one.flowmade.aether.bus.BusHandler {
    final List<BusEvent> received = new CopyOnWriteArrayList<>();
    final CountDownLatch holdingFirst = new CountDownLatch(1);

    @Override
    public void onEvent(BusEvent event) throws InterruptedException {
      received.add(event);
      holdingFirst.countDown();
      gate.await();
    }
  }

  private static CompletableFuture<Void> inNewThread(Runnable task) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        task.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "test-publisher");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  private static List<String> actors(List<BusEvent> events) {
    return events.stream().map(BusEvent::actorId).toList();
  }

  private List<String> droppedActors(DropReason reason) {
    return drops.stream().filter(d -> d.reason() == reason)
        .map(d -> d.event().orElseThrow().actorId()).toList();
  }

  // ------------------------------------------------------------------ volume and order

  @Test
  void blockingPolicy_hundredThousandEventsToFourSubscribers_eachReceivesAllInOrder() {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(1024));
    BusEvent[] events = events(100_000);
    int[] next = new int[4];
    boolean[] outOfOrder = new boolean[4];
    List<BusSubscription> subscriptions = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      int index = s;
      subscriptions.add(bus.subscribe(NS, e -> {
        if (e != events[next[index]]) {
          outOfOrder[index] = true;
        }
        next[index]++;
      }));
    }

    for (BusEvent e : events) {
      bus.publish(e);
    }

    await().atMost(WAIT).until(() -> subscriptions.stream().allMatch(s -> s.delivered() == 100_000));
    assertThat(next).containsOnly(100_000);
    assertThat(outOfOrder).containsOnly(false);
    assertThat(bus.metrics(NS).delivered()).isEqualTo(400_000);
    assertThat(bus.metrics(NS).published()).isEqualTo(100_000);
    assertThat(bus.metrics(NS).dropped()).isZero();
    assertThat(drops).isEmpty();
  }

  @Test
  void concurrentPublishers_everyEventArrives_inEachPublishersOrder() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(64));
    int publishers = 4;
    int perPublisher = 20_000;
    List<List<String>> received = List.of(new ArrayList<>(), new ArrayList<>());
    List<BusSubscription> subscriptions = new ArrayList<>();
    for (List<String> list : received) {
      subscriptions.add(bus.subscribe(NS, e -> list.add(e.actorId())));
    }
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      String name = "p" + p;
      running.add(inNewThread(() -> {
        for (int i = 0; i < perPublisher; i++) {
          bus.publish(event(name + ":" + i));
        }
      }));
    }
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> subscriptions.stream()
        .allMatch(s -> s.delivered() == publishers * perPublisher));
    for (List<String> list : received) {
      int[] next = new int[publishers];
      for (String actor : list) {
        String[] parts = actor.split(":");
        int p = Integer.parseInt(parts[0].substring(1));
        assertThat(Integer.parseInt(parts[1])).isEqualTo(next[p]);
        next[p]++;
      }
      assertThat(next).containsOnly(perPublisher);
    }
  }

  // ------------------------------------------------------------------ overflow policies

  @Test
  void blockingPolicy_publisherWaitsForRoom_andLosesNothing() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(2));
    GatedRecorder recorder = new GatedRecorder();
    BusSubscription subscription = bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);
    bus.publish(event("e1"));
    bus.publish(event("e2"));

    CompletableFuture<Void> blocked = inNewThread(() -> bus.publish(event("e3")));

    await().during(Duration.ofMillis(200)).atMost(WAIT).until(() -> !blocked.isDone());
    assertThat(subscription.queueDepth()).isEqualTo(2);
    assertThat(bus.metrics(NS).queueDepth()).as("queued or being handled").isEqualTo(3);
    gate.countDown();
    blocked.get(10, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> recorder.received.size() == 4);
    assertThat(actors(recorder.received)).containsExactly("e0", "e1", "e2", "e3");
    assertThat(drops).isEmpty();
  }

  @Test
  void dropOldest_evictsTheOldestQueuedEvents_andReportsEachOne() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(3)
        .overflowPolicy(OverflowPolicy.DROP_OLDEST));
    GatedRecorder recorder = new GatedRecorder();
    BusSubscription subscription = bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);

    for (int i = 1; i <= 9; i++) {
      bus.publish(event("e" + i));
    }
    gate.countDown();

    await().atMost(WAIT).until(() -> recorder.received.size() == 4);
    assertThat(actors(recorder.received)).containsExactly("e0", "e7", "e8", "e9");
    assertThat(droppedActors(DropReason.OVERFLOW_OLDEST))
        .containsExactly("e1", "e2", "e3", "e4", "e5", "e6");
    assertThat(subscription.dropped()).isEqualTo(6);
    await().atMost(WAIT).until(() -> bus.metrics(NS).delivered() == 4);
    assertThat(bus.metrics(NS).dropped()).isEqualTo(6);
    assertThat(bus.metrics(NS).queueDepth()).isZero();
  }

  @Test
  void dropNewest_dropsArrivingEvents_andReportsEachOne() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(3)
        .overflowPolicy(OverflowPolicy.DROP_NEWEST));
    GatedRecorder recorder = new GatedRecorder();
    bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);

    for (int i = 1; i <= 9; i++) {
      bus.publish(event("e" + i));
    }
    gate.countDown();

    await().atMost(WAIT).until(() -> recorder.received.size() == 4);
    assertThat(actors(recorder.received)).containsExactly("e0", "e1", "e2", "e3");
    assertThat(droppedActors(DropReason.OVERFLOW_NEWEST))
        .containsExactly("e4", "e5", "e6", "e7", "e8", "e9");
    assertThat(bus.metrics(NS).dropped()).isEqualTo(6);
  }

  @Test
  void failPolicy_throwsWhenFull_afterDeliveringToTheOtherSubscriptions() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder());
    GatedRecorder full = new GatedRecorder();
    bus.subscribe(NamespacePattern.exactly(NS), EventFilter.all(), full, OverflowPolicy.FAIL, 1);
    List<BusEvent> other = new CopyOnWriteArrayList<>();
    bus.subscribe(NS, other::add);
    bus.publish(event("e0"));
    full.holdingFirst.await(10, TimeUnit.SECONDS);
    bus.publish(event("e1"));

    assertThatThrownBy(() -> bus.publish(event("e2")))
        .isInstanceOf(BusOverflowException.class)
        .hasMessageContaining("rejected by 1 subscription")
        .satisfies(e -> assertThat(((BusOverflowException) e).rejections()).isEqualTo(1));
    await().atMost(WAIT).until(() -> other.size() == 3);
    assertThat(droppedActors(DropReason.REJECTED)).containsExactly("e2");
  }

  @Test
  void dropOldestUnderConcurrentPublishers_everyEventIsDeliveredOrReportedExactlyOnce()
      throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(16)
        .overflowPolicy(OverflowPolicy.DROP_OLDEST));
    Set<String> delivered = java.util.concurrent.ConcurrentHashMap.newKeySet();
    BusSubscription subscription = bus.subscribe(NS, e -> {
      if (!delivered.add(e.id())) {
        throw new AssertionError("delivered twice: " + e.id());
      }
    });
    Queue<String> published = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      running.add(inNewThread(() -> {
        for (int i = 0; i < 20_000; i++) {
          BusEvent e = event("a");
          published.add(e.id());
          bus.publish(e);
        }
      }));
    }
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    await().atMost(WAIT).until(() -> subscription.queueDepth() == 0
        && subscription.delivered() + subscription.dropped() == 60_000);
    Set<String> dropped = new HashSet<>(droppedActorsIds());
    Set<String> both = new HashSet<>(dropped);
    both.retainAll(delivered);
    Set<String> all = new HashSet<>(dropped);
    all.addAll(delivered);
    assertThat(both).as("delivered and reported as dropped").isEmpty();
    assertThat(all).as("delivered or dropped").isEqualTo(new HashSet<>(published));
    assertThat(subscription.handlerErrors()).isZero();
  }

  private List<String> droppedActorsIds() {
    return drops.stream().map(d -> d.event().orElseThrow().id()).toList();
  }

  @Test
  void interruptedPublisher_getsPublishInterrupted_andTheDropIsCounted() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(1));
    GatedRecorder recorder = new GatedRecorder();
    bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);
    bus.publish(event("e1"));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagAfter = new AtomicReference<>();
    Thread publisher = new Thread(() -> {
      try {
        bus.publish(event("e2"));
      } catch (RuntimeException e) {
        thrown.set(e);
      }
      flagAfter.set(Thread.currentThread().isInterrupted());
    });
    publisher.start();
    await().atMost(WAIT).until(() -> publisher.getState() == Thread.State.TIMED_WAITING
        || publisher.getState() == Thread.State.WAITING);

    publisher.interrupt();
    publisher.join(10_000);

    assertThat(thrown.get()).isInstanceOf(PublishInterruptedException.class);
    assertThat(flagAfter.get()).isTrue();
    assertThat(droppedActors(DropReason.INTERRUPTED)).containsExactly("e2");
  }

  @Test
  void handlerPublishingIntoItsOwnFullQueue_failsInsteadOfDeadlocking() {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(1));
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    bus.subscribe(NS, e -> {
      if (e.actorId().equals("start")) {
        try {
          for (int i = 0; i < 3; i++) {
            bus.publish(event("echo" + i));
          }
        } catch (RuntimeException failure) {
          thrown.set(failure);
        }
        done.countDown();
      }
    });

    bus.publish(event("start"));

    await().atMost(WAIT).until(() -> done.getCount() == 0);
    assertThat(thrown.get()).isInstanceOf(BusOverflowException.class);
    assertThat(droppedActors(DropReason.REJECTED)).containsExactly("echo1");
  }

  // ------------------------------------------------------------------ failures and listeners

  @Test
  void throwingListener_doesNotStopDelivery() {
    LocalEventBus bus = LocalEventBus.builder().listener(new BusListener() {
      @Override
      public void handlerFailed(BusSubscription s, BusEvent e, Throwable failure) {
        throw new IllegalStateException("listener bug");
      }
    }).build();
    buses.add(bus);
    List<BusEvent> received = new CopyOnWriteArrayList<>();
    bus.subscribe(NS, e -> {
      received.add(e);
      throw new IllegalArgumentException("handler bug");
    });

    bus.publish(event("a"));
    bus.publish(event("b"));

    await().atMost(WAIT).until(() -> received.size() == 2);
    await().atMost(WAIT).until(() -> bus.metrics(NS).handlerErrors() == 2);
  }

  // ------------------------------------------------------------------ closing

  @Test
  void closingASubscription_discardsItsQueue_andReportsTheCount() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().closeTimeout(Duration.ofSeconds(5)));
    GatedRecorder recorder = new GatedRecorder();
    BusSubscription subscription = bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);
    for (int i = 1; i <= 5; i++) {
      bus.publish(event("e" + i));
    }

    CompletableFuture<Void> closing = inNewThread(subscription::close);
    await().atMost(WAIT).until(() -> !subscription.isActive());
    gate.countDown();
    closing.get(10, TimeUnit.SECONDS);

    assertThat(actors(recorder.received)).containsExactly("e0");
    assertThat(List.copyOf(drops)).singleElement().satisfies(d -> {
      assertThat(d.reason()).isEqualTo(DropReason.CLOSED);
      assertThat(d.count()).isEqualTo(5);
    });
    assertThat(bus.metrics(NS).dropped()).isEqualTo(5);
    assertThat(bus.metrics(NS).queueDepth()).isZero();
  }

  @Test
  void closingTheBus_deliversWhatIsQueued_thenStopsItsThreads() {
    LocalEventBus bus = bus(LocalEventBus.builder().name("draining"));
    List<BusEvent> received = new CopyOnWriteArrayList<>();
    bus.subscribe(NS, e -> {
      Thread.onSpinWait();
      received.add(e);
    });
    for (int i = 0; i < 1_000; i++) {
      bus.publish(event("e" + i));
    }

    bus.close();

    assertThat(received).hasSize(1_000);
    assertThat(drops).isEmpty();
    assertThat(threadsNamed("aether-bus-draining-")).isEmpty();
  }

  @Test
  void closingTheBus_afterTheTimeout_discardsTheRest_andReportsIt() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().closeTimeout(Duration.ofMillis(200)));
    GatedRecorder recorder = new GatedRecorder();
    bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);
    for (int i = 1; i <= 3; i++) {
      bus.publish(event("e" + i));
    }

    bus.close();
    gate.countDown();

    await().atMost(WAIT).until(() -> drops.stream().mapToLong(Drop::count).sum() == 3);
    assertThat(drops).allSatisfy(d -> assertThat(d.reason()).isEqualTo(DropReason.CLOSED));
    assertThat(actors(recorder.received)).containsExactly("e0");
  }

  @Test
  void closingTheBus_releasesBlockedPublishers() throws Exception {
    LocalEventBus bus = bus(LocalEventBus.builder().queueCapacity(1)
        .closeTimeout(Duration.ofMillis(100)));
    GatedRecorder recorder = new GatedRecorder();
    bus.subscribe(NS, recorder);
    bus.publish(event("e0"));
    recorder.holdingFirst.await(10, TimeUnit.SECONDS);
    bus.publish(event("e1"));
    CompletableFuture<Void> blocked = inNewThread(() -> bus.publish(event("e2")));
    await().during(Duration.ofMillis(100)).atMost(WAIT).until(() -> !blocked.isDone());

    bus.close();

    await().atMost(WAIT).until(blocked::isDone);
    assertThat(blocked).isCompletedExceptionally();
    assertThatThrownBy(blocked::join).hasCauseInstanceOf(BusClosedException.class);
  }

  @Test
  void deliveryThreads_areNamedDaemons_andStopWithTheirSubscription() {
    LocalEventBus bus = bus(LocalEventBus.builder().name("named"));
    BusSubscription subscription = bus.subscribe(NS, e -> { });

    List<Thread> threads = threadsNamed("aether-bus-named-");
    assertThat(threads).singleElement().satisfies(t -> assertThat(t.isDaemon()).isTrue());

    subscription.close();

    assertThat(threadsNamed("aether-bus-named-")).isEmpty();
  }

  private static List<Thread> threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive()).toList();
  }

  // ------------------------------------------------------------------ metrics

  @Test
  void metrics_attributeWildcardDeliveriesToEachEventsNamespace() {
    LocalEventBus bus = bus(LocalEventBus.builder());
    Namespace other = Namespace.of("other");
    BusSubscription all = bus.subscribe(NamespacePattern.all(), EventFilter.all(), e -> { });

    bus.publish(event("a"));
    bus.publish(BusEvent.of(other, "b", "T", Payload.empty()));
    bus.publish(BusEvent.of(other, "c", "T", Payload.empty()));

    await().atMost(WAIT).until(() -> all.delivered() == 3);
    await().atMost(WAIT).until(() -> bus.metrics(other).delivered() == 2);
    assertThat(bus.metrics(NS).delivered()).isEqualTo(1);
    assertThat(bus.metrics().delivered()).isEqualTo(3);
    assertThat(bus.metrics().activeSubscriptions()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ builder

  @Test
  void builder_checksEachInputAtOnce() {
    assertThatThrownBy(() -> LocalEventBus.builder().queueCapacity(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalEventBus.builder().queueCapacity(8).queueCapacity(8))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> LocalEventBus.builder().closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalEventBus.builder().name("has space"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LocalEventBus.builder().overflowPolicy(OverflowPolicy.FAIL)
        .overflowPolicy(OverflowPolicy.BLOCK)).isInstanceOf(IllegalStateException.class);
    LocalEventBus bus = bus(LocalEventBus.builder());
    assertThatThrownBy(() -> bus.subscribe(NamespacePattern.all(), EventFilter.all(), e -> { },
        OverflowPolicy.BLOCK, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
