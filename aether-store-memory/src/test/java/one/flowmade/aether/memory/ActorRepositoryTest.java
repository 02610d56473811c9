package one.flowmade.aether.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.actor.CommandOptions;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.actor.RetryPolicy;
import one.flowmade.aether.actor.SnapshotPolicy;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.JacksonStateCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class ActorRepositoryTest {

  sealed interface CounterEvent {}

  record Added(int amount) implements CounterEvent {}

  record Counter(long total, int events) {}

  static final ActorModel<Counter, CounterEvent> MODEL = new ActorModel<>() {
    @Override
    public Counter initialState(String actorId) {
      return new Counter(0, 0);
    }

    @Override
    public Counter apply(Counter state, CounterEvent event) {
      return new Counter(state.total() + ((Added) event).amount(), state.events() + 1);
    }
  };

  private final Namespace namespace = Namespace.of("actors");
  private final JacksonEventCodec codec = JacksonEventCodec.builder().register(Added.class).build();
  private final InMemoryEventStore store = InMemoryEventStore.create(namespace);
  private final InMemorySnapshotStore snapshots =
      InMemorySnapshotStore.builder().namespace(namespace).build();

  @AfterEach
  void closeStores() {
    store.close();
    snapshots.close();
  }

  private ActorRepository.Builder<Counter, CounterEvent> repository(EventStore events) {
    return ActorRepository.builder(MODEL, CounterEvent.class).eventStore(events).codec(codec);
  }

  @Test
  void execute_appendsDecidedEventsWithTheLoadedVersionAndReturnsNewState() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();

    counters.execute("c", c -> List.of(new Added(2), new Added(3)));
    CommandResult<Counter, CounterEvent> result = counters.execute("c", c -> List.of(new Added(5)));

    assertThat(result.state().state()).isEqualTo(new Counter(10, 3));
    assertThat(result.state().version()).isEqualTo(3);
    assertThat(result.append()).hasValueSatisfying(a -> assertThat(a.firstVersion()).isEqualTo(3));
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(counters.load("c").state()).isEqualTo(new Counter(10, 3));
  }

  @Test
  void execute_noEventsDecided_appendsNothing() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();

    CommandResult<Counter, CounterEvent> result = counters.execute("c", c -> List.of());

    assertThat(result.append()).isEmpty();
    assertThat(store.latestVersion("c")).isZero();
  }

  @Test
  void execute_deciderThrows_rejectsWithoutAppending() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();

    assertThatThrownBy(() -> counters.execute("c", c -> {
      throw new IllegalStateException("no");
    })).isInstanceOf(IllegalStateException.class).hasMessage("no");
    assertThat(store.latestVersion("c")).isZero();
  }

  @Test
  void execute_concurrentWriterBetweenLoadAndAppend_reloadsAndDecidesAgain() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();
    List<Long> seenTotals = new ArrayList<>();

    CommandResult<Counter, CounterEvent> result = counters.execute("c", c -> {
      seenTotals.add(c.total());
      if (seenTotals.size() == 1) {
        store.append("c", ExpectedVersion.any(), codec.toNewEvent(new Added(100)));
      }
      return List.of(new Added(1));
    });

    assertThat(seenTotals).containsExactly(0L, 100L);
    assertThat(result.attempts()).isEqualTo(2);
    assertThat(result.state().state()).isEqualTo(new Counter(101, 2));
  }

  @Test
  void execute_conflictOnEveryAttempt_givesUpAfterMaxAttemptsWithTheConflict() {
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .retryPolicy(new RetryPolicy(3, Duration.ZERO, Duration.ZERO)).build();
    AtomicInteger attempts = new AtomicInteger();

    assertThatThrownBy(() -> counters.execute("c", c -> {
      attempts.incrementAndGet();
      store.append("c", ExpectedVersion.any(), codec.toNewEvent(new Added(1)));
      return List.of(new Added(1));
    })).isInstanceOfSatisfying(VersionConflictException.class, e -> {
      assertThat(e.attempts()).isEqualTo(3);
      assertThat(e.actorId()).isEqualTo("c");
      assertThat(e).hasMessageContaining("gave up after 3 attempts");
    });
    assertThat(attempts).hasValue(3);
  }

  @Test
  void execute_undecodableEvent_failsTheCommandAndAppendsNothingByDefault() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();
    store.append("c", ExpectedVersion.noStream(), List.of(
        codec.toNewEvent(new Added(1)), NewEvent.of("Unknown", Payload.json("{}"))));
    AtomicInteger decided = new AtomicInteger();

    assertThatThrownBy(() -> counters.execute("c", c -> {
      decided.incrementAndGet();
      return List.of(new Added(1));
    })).isInstanceOf(DecodingException.class).hasMessageContaining("Unknown");
    assertThat(decided).hasValue(0);
    assertThat(store.latestVersion("c")).isEqualTo(2);
  }

  @Test
  void execute_earlierAttemptOutcomeUnknownThenNothingStored_failsAsOutcomeUnknown() {
    ScriptedStore scripted = new ScriptedStore(store,
        new AppendOutcomeUnknownException("simulated lost acknowledgement", null));
    ActorRepository<Counter, CounterEvent> counters = repository(scripted)
        .retryPolicy(new RetryPolicy(3, Duration.ZERO, Duration.ofMillis(5)))
        .commandTimeout(Duration.ofMillis(300)).build();

    assertThatThrownBy(() -> counters.execute("c", c -> List.of(new Added(1))))
        .isInstanceOf(AppendOutcomeUnknownException.class)
        .hasMessageContaining("unknown outcome")
        .hasRootCauseInstanceOf(StoreUnavailableException.class);
    assertThat(scripted.appends.get()).isGreaterThan(1);
  }

  @Test
  void execute_interruptedWhileBackingOffAfterAnUnknownOutcome_failsAsOutcomeUnknown() {
    InterruptingStore lossy = new InterruptingStore(store);
    ActorRepository<Counter, CounterEvent> counters = repository(lossy)
        .commandTimeout(Duration.ofSeconds(5)).build();

    try {
      // The first append's outcome is unknown and the thread is interrupted before the retry's
      // backoff: the events may be stored, so the failure must say "outcome unknown", not
      // "interrupted" (which a caller could read as nothing stored).
      assertThatThrownBy(() -> counters.execute("c", c -> List.of(new Added(1))))
          .isInstanceOf(AppendOutcomeUnknownException.class)
          .hasMessageContaining("unknown outcome");
      assertThat(Thread.currentThread().isInterrupted()).as("interrupt flag restored").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(lossy.appends.get()).isEqualTo(1);
  }

  @Test
  void execute_storeFailingTransientlyForever_givesUpAtTheCommandDeadline() {
    ScriptedStore scripted = new ScriptedStore(store, null);
    ActorRepository<Counter, CounterEvent> counters = repository(scripted)
        .retryPolicy(new RetryPolicy(1_000_000, Duration.ofMillis(10), Duration.ofMillis(10)))
        .commandTimeout(Duration.ofMillis(200)).build();

    // Without one deadline the policy's million attempts would take hours.
    assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        assertThatThrownBy(() -> counters.execute("c", c -> List.of(new Added(1))))
            .isInstanceOf(StoreUnavailableException.class));
    assertThat(store.latestVersion("c")).isZero();
  }

  @Test
  void execute_givesEveryStoreCallTheCommandsOneDeadline() {
    DeadlineRecordingStore recording = new DeadlineRecordingStore(store);
    DeadlineRecordingSnapshots recordingSnapshots = new DeadlineRecordingSnapshots(snapshots);
    ActorRepository<Counter, CounterEvent> counters = repository(recording)
        .snapshots(recordingSnapshots, JacksonStateCodec.of(Counter.class))
        .snapshotPolicy(SnapshotPolicy.everyEvents(1))
        .commandTimeout(Duration.ofSeconds(5)).build();

    counters.execute("c", c -> List.of(new Added(1)));

    List<Deadline> all = new ArrayList<>(recording.deadlines);
    all.addAll(recordingSnapshots.deadlines);
    assertThat(recording.deadlines).hasSizeGreaterThanOrEqualTo(2); // a read and the append
    assertThat(recordingSnapshots.deadlines).hasSize(2); // the load and the save
    assertThat(all).allSatisfy(d -> {
      assertThat(d.isBounded()).isTrue();
      assertThat(d.remaining()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    });
    assertThat(all.stream().map(Deadline::nanoTime).distinct()).hasSize(1);
  }

  @Test
  void execute_retryWithTheSameCommandIdAfterAnUnknownOutcome_appliesItOnce() {
    FlakyStore flaky = new FlakyStore(store, 1_000);
    ActorRepository<Counter, CounterEvent> lossy = repository(flaky)
        .retryPolicy(RetryPolicy.none()).commandTimeout(Duration.ofSeconds(1)).build();
    CommandOptions deposit = CommandOptions.defaults().withCommandId("deposit-1");

    assertThatThrownBy(() -> lossy.execute("c", deposit, c -> List.of(new Added(5))))
        .isInstanceOf(AppendOutcomeUnknownException.class);
    // Retries of the unknown outcome back off (10 ms doubling) even under RetryPolicy.none():
    // within the 1 s deadline at most 7 attempts (at 0, 10, 30, 70, 150, 310, 630 ms), never a
    // busy loop of hundreds. (A 100 ms deadline could run out before the first append on a
    // loaded machine.)
    assertThat(flaky.eventIdsTried).hasSizeBetween(2, 7);
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();
    CommandResult<Counter, CounterEvent> retry =
        counters.execute("c", deposit, c -> List.of(new Added(5)));

    assertThat(retry.alreadyApplied()).isTrue();
    assertThat(retry.events()).containsExactly(new Added(5));
    assertThat(retry.append()).hasValueSatisfying(a -> assertThat(a.lastVersion()).isEqualTo(1));
    assertThat(retry.state().state()).isEqualTo(new Counter(5, 1));
    assertThat(store.latestVersion("c")).isEqualTo(1);
    assertThat(store.read("c", 1).events().get(0).id())
        .isEqualTo(CommandIds.eventId("c", "deposit-1", 0));
    assertThat(store.read("c", 1).events().get(0).metadata().get(CommandIds.METADATA_KEY))
        .hasValue("deposit-1");
  }

  @Test
  void execute_withoutCommandId_retriesOfTheAppendKeepTheIdsButCommandsGetFreshOnes() {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();

    counters.execute("c", c -> List.of(new Added(1)));
    counters.execute("c", c -> List.of(new Added(1)));

    assertThat(store.latestVersion("c")).isEqualTo(2);
  }

  @Test
  void execute_sameCommandIdBeyondTheDuplicateWindowAndBehindASnapshot_isStillAppliedOnce() {
    try (InMemoryEventStore windowed = InMemoryEventStore.builder().namespace(namespace)
        .duplicateWindow(Duration.ofMillis(50)).build()) {
      ActorRepository<Counter, CounterEvent> counters = repository(windowed)
          .snapshots(snapshots, JacksonStateCodec.of(Counter.class))
          .snapshotPolicy(SnapshotPolicy.everyEvents(1)).build();
      CommandOptions first = CommandOptions.defaults().withCommandId("cmd-1");
      counters.execute("c", first, c -> List.of(new Added(1), new Added(2)));
      counters.execute("c", CommandOptions.defaults().withCommandId("cmd-2"),
          c -> List.of(new Added(10)));
      long stored = System.nanoTime();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - stored > Duration.ofMillis(100).toNanos());

      CommandResult<Counter, CounterEvent> retry =
          counters.execute("c", first, c -> List.of(new Added(1), new Added(2)));

      assertThat(retry.alreadyApplied()).isTrue();
      assertThat(retry.append()).hasValueSatisfying(a -> {
        assertThat(a.firstVersion()).isEqualTo(1);
        assertThat(a.lastVersion()).isEqualTo(2);
      });
      assertThat(windowed.latestVersion("c")).isEqualTo(3);
      assertThat(counters.load("c").state()).isEqualTo(new Counter(13, 3));
    }
  }

  @Test
  void loadForHosting_returnsTheStateAndTheCommandIdsOfTheLatestEventsAlsoBehindTheSnapshot() {
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .snapshots(snapshots, JacksonStateCodec.of(Counter.class))
        .snapshotPolicy(SnapshotPolicy.everyEvents(2)).build();
    counters.execute("c", CommandOptions.defaults().withCommandId("one"),
        c -> List.of(new Added(1)));
    counters.execute("c", CommandOptions.defaults().withCommandId("two"),
        c -> List.of(new Added(2)));
    counters.execute("c", CommandOptions.defaults().withCommandId("three"),
        c -> List.of(new Added(3)));

    ActorRepository.HostedState<Counter> hosted =
        counters.loadForHosting("c", Deadline.after(Duration.ofSeconds(5)));

    assertThat(hosted.state().state()).isEqualTo(new Counter(6, 3));
    assertThat(hosted.snapshotVersion()).isEqualTo(2);
    assertThat(hosted.commandIds()).containsExactlyInAnyOrder("one", "two", "three");
  }

  @Test
  void executeOn_appendsOnTheCallersStateWithoutLoading_andAStaleStateConflicts() {
    CountingStore counting = new CountingStore(store);
    ActorRepository<Counter, CounterEvent> counters = repository(counting).build();
    CommandResult<Counter, CounterEvent> first = counters.execute("c", c -> List.of(new Added(1)));
    counting.readFromVersions.clear();

    CommandResult<Counter, CounterEvent> next = counters.executeOn(first.state(), 0,
        CommandOptions.defaults(), c -> List.of(new Added(2)));

    assertThat(counting.readFromVersions).isEmpty();
    assertThat(next.state().state()).isEqualTo(new Counter(3, 2));
    assertThatThrownBy(() -> counters.executeOn(first.state(), 0, CommandOptions.defaults(),
        c -> List.of(new Added(5)))).isInstanceOf(VersionConflictException.class);
    assertThat(store.latestVersion("c")).isEqualTo(2);
  }

  @Test
  void executeAsync_completesWithTheResultOnAnotherThread() throws Exception {
    ActorRepository<Counter, CounterEvent> counters = repository(store).build();

    CommandResult<Counter, CounterEvent> result = counters
        .executeAsync("c", c -> List.of(new Added(4))).get(30, TimeUnit.SECONDS);

    assertThat(result.state().state()).isEqualTo(new Counter(4, 1));
    assertThat(counters.loadAsync("c").get(30, TimeUnit.SECONDS).version()).isEqualTo(1);
  }

  @Test
  void execute_manyThreadsOnOneActor_everyCommandLandsExactlyOnce() throws Exception {
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .retryPolicy(RetryPolicy.defaults().withMaxAttempts(1_000)).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<?>> futures = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        futures.add(CompletableFuture.runAsync(
            () -> counters.execute("hot", c -> List.of(new Added(1))), pool));
      }
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    assertThat(counters.load("hot").state()).isEqualTo(new Counter(400, 400));
    assertThat(store.latestVersion("hot")).isEqualTo(400);
  }

  @Test
  void snapshots_takenByPolicyAndLoadReadsOnlyTheEventsAfterIt() {
    CountingStore counting = new CountingStore(store);
    ActorRepository<Counter, CounterEvent> counters = repository(counting)
        .snapshots(snapshots, JacksonStateCodec.of(Counter.class))
        .snapshotPolicy(SnapshotPolicy.everyEvents(4))
        .build();
    for (int i = 0; i < 10; i++) {
      counters.execute("c", c -> List.of(new Added(1)));
    }
    assertThat(snapshots.load("c")).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(8));

    counting.eventsRead.set(0);
    counting.readFromVersions.clear();
    ActorState<Counter> loaded = counters.load("c");

    assertThat(loaded.state()).isEqualTo(new Counter(10, 10));
    assertThat(loaded.version()).isEqualTo(10);
    assertThat(counting.readFromVersions).containsExactly(9L);
    assertThat(counting.eventsRead).hasValue(2);
  }

  @Test
  void snapshot_thatCannotBeDecoded_fallsBackToReplayingEverything() {
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .snapshots(snapshots, JacksonStateCodec.of(Counter.class))
        .snapshotPolicy(SnapshotPolicy.never())
        .build();
    counters.execute("c", c -> List.of(new Added(1), new Added(2)));
    snapshots.save(new Snapshot("c", 2, 2, Instant.now(), Payload.json("not json")));

    assertThat(counters.load("c").state()).isEqualTo(new Counter(3, 2));
  }

  @Test
  void load_undecodableEvent_isReportedAndSkippedByDefault() {
    List<UndecodableEvent> reported = new CopyOnWriteArrayList<>();
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .decodeFailureListener(reported::add).build();
    store.append("c", ExpectedVersion.noStream(), List.of(
        codec.toNewEvent(new Added(1)),
        NewEvent.of("Added", Payload.json("{broken")),
        NewEvent.of("Unknown", Payload.json("{}")),
        codec.toNewEvent(new Added(2))));

    ActorState<Counter> loaded = counters.load("c");

    assertThat(loaded.state()).isEqualTo(new Counter(3, 2));
    assertThat(loaded.version()).isEqualTo(4);
    assertThat(reported).extracting(UndecodableEvent::position).containsExactly(2L, 3L);
    assertThat(reported.get(0).raw().asUtf8()).isEqualTo("{broken");
  }

  @Test
  void load_undecodableEventWithFailPolicy_throws() {
    ActorRepository<Counter, CounterEvent> counters = repository(store)
        .decodeFailurePolicy(DecodeFailurePolicy.FAIL).build();
    store.append("c", ExpectedVersion.noStream(), NewEvent.of("Unknown", Payload.json("{}")));

    assertThatThrownBy(() -> counters.load("c"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("Unknown");
  }

  @Test
  void execute_transientAppendFailure_isRetriedWithTheSameEvents() {
    FlakyStore flaky = new FlakyStore(store, 2);
    ActorRepository<Counter, CounterEvent> counters = repository(flaky)
        .retryPolicy(new RetryPolicy(5, Duration.ZERO, Duration.ZERO)).build();

    CommandResult<Counter, CounterEvent> result = counters.execute("c", c -> List.of(new Added(7)));

    assertThat(result.attempts()).isEqualTo(1);
    assertThat(flaky.eventIdsTried).hasSize(3);
    assertThat(flaky.eventIdsTried).containsOnly(flaky.eventIdsTried.get(0));
    assertThat(store.read("c", 1).events()).hasSize(1);
  }

  @Test
  void builder_rejectsMissingPartsAndMismatchedNamespaces() {
    assertThatThrownBy(() -> ActorRepository.builder(MODEL, CounterEvent.class).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("event store");
    assertThatThrownBy(() -> ActorRepository.builder(MODEL, CounterEvent.class)
        .eventStore(store).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("codec");
    try (InMemorySnapshotStore other =
        InMemorySnapshotStore.builder().namespace(Namespace.of("other")).build()) {
      assertThatThrownBy(() -> repository(store)
          .snapshots(other, JacksonStateCodec.of(Counter.class)).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("namespace");
    }
    assertThatThrownBy(() -> repository(store).codec(codec))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
  }

  @Test
  void builder_snapshotPolicyWithoutSnapshotStore_isRefusedNamingTheMissingStore() {
    assertThatThrownBy(() -> repository(store).snapshotPolicy(SnapshotPolicy.everyEvents(10))
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("snapshot policy").hasMessageContaining("snapshots(");
  }

  @Test
  void retryPolicy_backoffStaysWithinTheCappedExponentialCeiling() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(10), Duration.ofMillis(100));
    for (int attempt = 1; attempt <= 40; attempt++) {
      long ceiling = Math.min(100, 10L << Math.min(attempt - 1, 20));
      assertThat(policy.backoff(attempt)).isBetween(Duration.ZERO, Duration.ofMillis(ceiling));
    }
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
  }

  /** Delegates to a store, counting what reads return. */
  private static class DelegatingStore implements EventStore {
    final EventStore delegate;

    DelegatingStore(EventStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Namespace namespace() {
      return delegate.namespace();
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      return delegate.append(actorId, expected, events);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(
        String actorId, ExpectedVersion expected, List<NewEvent> events) {
      return delegate.appendAsync(actorId, expected, events);
    }

    @Override
    public long latestVersion(String actorId) {
      return delegate.latestVersion(actorId);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit) {
      return delegate.read(actorId, fromVersion, limit);
    }

    @Override
    public ReadResult readAll(Position from, int limit) {
      return delegate.readAll(from, limit);
    }

    @Override
    public long lastPosition() {
      return delegate.lastPosition();
    }

    @Override
    public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
      return delegate.subscribe(options, handler);
    }

    @Override
    public void close() {}
  }

  private static final class CountingStore extends DelegatingStore {
    final AtomicInteger eventsRead = new AtomicInteger();
    final List<Long> readFromVersions = new CopyOnWriteArrayList<>();

    CountingStore(EventStore delegate) {
      super(delegate);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit) {
      readFromVersions.add(fromVersion);
      ReadResult result = delegate.read(actorId, fromVersion, limit);
      eventsRead.addAndGet(result.events().size());
      return result;
    }
  }

  /** Fails every append transiently: first with {@code first} (if any), then as unavailable. */
  private static final class ScriptedStore extends DelegatingStore {
    final AtomicInteger appends = new AtomicInteger();
    private final RuntimeException first;

    ScriptedStore(EventStore delegate, RuntimeException first) {
      super(delegate);
      this.first = first;
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      if (appends.incrementAndGet() == 1 && first != null) {
        throw first;
      }
      throw new StoreUnavailableException("simulated: server unreachable, nothing stored", null);
    }
  }

  /** Its append's outcome is unknown, and it interrupts the calling thread. */
  private static final class InterruptingStore extends DelegatingStore {
    final AtomicInteger appends = new AtomicInteger();

    InterruptingStore(EventStore delegate) {
      super(delegate);
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      appends.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new AppendOutcomeUnknownException("simulated lost acknowledgement", null);
    }
  }

  private static final class DeadlineRecordingStore extends DelegatingStore {
    final List<Deadline> deadlines = new CopyOnWriteArrayList<>();

    DeadlineRecordingStore(EventStore delegate) {
      super(delegate);
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events,
        Deadline deadline) {
      deadlines.add(deadline);
      return delegate.append(actorId, expected, events, deadline);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit, long afterPosition,
        Deadline deadline) {
      deadlines.add(deadline);
      return delegate.read(actorId, fromVersion, limit, afterPosition, deadline);
    }
  }

  private static final class DeadlineRecordingSnapshots implements SnapshotStore {
    final List<Deadline> deadlines = new CopyOnWriteArrayList<>();
    private final SnapshotStore delegate;

    DeadlineRecordingSnapshots(SnapshotStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Namespace namespace() {
      return delegate.namespace();
    }

    @Override
    public boolean save(Snapshot snapshot) {
      return delegate.save(snapshot);
    }

    @Override
    public Optional<Snapshot> load(String actorId) {
      return delegate.load(actorId);
    }

    @Override
    public boolean save(Snapshot snapshot, Deadline deadline) {
      deadlines.add(deadline);
      return delegate.save(snapshot, deadline);
    }

    @Override
    public Optional<Snapshot> load(String actorId, Deadline deadline) {
      deadlines.add(deadline);
      return delegate.load(actorId, deadline);
    }

    @Override
    public void close() {}
  }

  private static final class FlakyStore extends DelegatingStore {
    final List<String> eventIdsTried = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft;

    FlakyStore(EventStore delegate, int failures) {
      super(delegate);
      this.failuresLeft = new AtomicInteger(failures);
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      eventIdsTried.add(events.get(0).id());
      if (failuresLeft.getAndDecrement() > 0) {
        // Store the events, then report the outcome as unknown: the retry must not duplicate.
        delegate.append(actorId, expected, events);
        throw new AppendOutcomeUnknownException("simulated timeout", null);
      }
      return delegate.append(actorId, expected, events);
    }
  }
}
