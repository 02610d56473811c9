package one.flowmade.aether.benchmarks.nats;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Table;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The JetStream event store against raw jnats on one target (R1 or R3): pipelined appends,
 * single-append latency with a warm and a cold version cache, replaying one actor (from the start
 * and from a snapshot), and a namespace catch-up subscription.
 *
 * <p>Aether writes to its namespace's stream; the raw appends go to a second stream with the same
 * configuration (copied from Aether's) and the same subject layout, so both write to streams of
 * the same size with the same headers. Reads of both sides read the same messages, the ones
 * Aether wrote. Not thread-safe; {@link #close()} releases the connections and stores.
 */
public final class StoreScenarios implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final NatsTarget target;
  private final Sizes sizes;
  private final Namespace namespace = Workload.uniqueNamespace("bench");
  private final Namespace rawNamespace = Workload.uniqueNamespace("raw");
  private final Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
  private final Connection aetherConnection;
  private final Connection rawConnection;
  private final JetStreamEventStore store;
  private final JetStream js;
  private final JetStreamManagement jsm;

  /**
   * Connects and creates the streams.
   *
   * @param target where to run
   * @param sizes how much work to do
   * @throws Exception if the server cannot be reached
   */
  public StoreScenarios(NatsTarget target, Sizes sizes) throws Exception {
    this.target = target;
    this.sizes = sizes;
    this.aetherConnection = target.connect("aether-bench");
    this.rawConnection = target.connect("raw-bench");
    this.store = JetStreamEventStore.builder(aetherConnection, namespace)
        .replicas(target.replicas()).build();
    this.js = rawConnection.jetStream();
    this.jsm = rawConnection.jetStreamManagement();
    StreamConfiguration aether = jsm.getStreamInfo(store.streamName()).getConfiguration();
    jsm.addStream(StreamConfiguration.builder(aether)
        .name(SubjectLayout.streamName(rawNamespace))
        .subjects(SubjectLayout.allEvents(rawNamespace))
        // The raw baseline looks sequences up with jsm.getLastMessage, which jnats sends as a
        // direct get when the stream allows them; a follower may answer it with a stale sequence
        // (10071 on the next publish). Leader gets keep the raw baseline correct, as Aether is.
        .allowDirect(false)
        .build());
  }

  /**
   * Runs every pair and fills the section.
   *
   * @param section where the figures go
   * @throws Exception if a scenario fails
   */
  public void run(Section section) throws Exception {
    Raw.RETRIES.set(0);
    pipelined(section);
    latency(section);
    replay(section);
    catchUp(section);
    headerParity(section);
    section.note("The raw baseline re-sent " + Raw.RETRIES.get() + " publishes that the server"
        + " refused as \"wrong last sequence\" (10071/10164) although their expectation was"
        + " right: an R3 stream does so while the previous write to the subject is still being"
        + " applied. A raw program must do the same; the store handles it internally.");
  }

  // ---- pipelined appends --------------------------------------------------------------------

  /** One asynchronous append of an actor's next event; completes with its stream sequence. */
  @FunctionalInterface
  public interface AsyncAppend {
    /**
     * Starts the append.
     *
     * @param actorId the actor
     * @param version the actor's version before the append
     * @param lastSequence the stream sequence of the actor's last append in this round, 0 first
     * @return completes with the appended event's stream sequence
     */
    CompletableFuture<Long> append(String actorId, long version, long lastSequence);
  }

  private void pipelined(Section section) throws Exception {
    int actors = sizes.pipelinedActors();
    int perActor = sizes.pipelinedPerActor();
    System.out.println("-- " + target.label() + " pipelined appends");
    Rounds.Measured c = Rounds.withCpu("pipelined appends, " + actors + " actors × " + perActor,
        "events/s", Better.HIGHER, sizes.rounds(),
        round -> pipeline("pipe" + (round + 1), actors, perActor,
            (actor, version, seq) -> store.appendAsync(actor, ExpectedVersion.exactly(version),
                List.of(Workload.newEvent(data))).thenApply(AppendResult::lastPosition)),
        round -> pipeline("pipe" + (round + 1), actors, perActor,
            (actor, version, seq) -> Raw.publishAsync(js, RawMessages.event(rawNamespace, actor,
                version + 1, seq, Workload.newEvent(data))).thenApply(PublishAck::getSeqno)));
    section.add(c.figure().withTarget(Target.ratioAtLeast(0.95))).add(c.cpu());
  }

  /**
   * Appends {@code perActor} events to each of {@code actors} actors, one append in flight per
   * actor (a replicated stream refuses a second expected-sequence write to a subject in flight),
   * all actors at once. Blocks until every append completed.
   *
   * @param prefix the actor ids' prefix
   * @param actors how many actors
   * @param perActor events per actor
   * @param append starts one append
   * @return events appended per second
   * @throws Exception if an append fails or they do not finish within two minutes
   */
  public static double pipeline(String prefix, int actors, int perActor, AsyncAppend append)
      throws Exception {
    List<String> ids = Workload.actors(prefix, actors);
    CountDownLatch done = new CountDownLatch(actors);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    for (String id : ids) {
      step(append, id, 0, 0, perActor, done, failure);
    }
    if (!done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("pipelined appends did not finish within " + TIMEOUT);
    }
    long elapsed = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException("a pipelined append failed", failure.get());
    }
    return (double) actors * perActor / (elapsed / 1e9);
  }

  private static void step(AsyncAppend append, String actor, long version, long sequence,
      int perActor, CountDownLatch done, AtomicReference<Throwable> failure) {
    if (version == perActor || failure.get() != null) {
      done.countDown();
      return;
    }
    CompletableFuture<Long> next;
    try {
      next = append.append(actor, version, sequence);
    } catch (RuntimeException e) {
      next = CompletableFuture.failedFuture(e);
    }
    next.whenComplete((seq, error) -> {
      if (error != null) {
        failure.compareAndSet(null, error);
        done.countDown();
      } else {
        step(append, actor, version + 1, seq, perActor, done, failure);
      }
    });
  }

  // ---- single-append latency ----------------------------------------------------------------

  private void latency(Section section) throws Exception {
    System.out.println("-- " + target.label() + " single-append latency");
    int samples = sizes.latencySamples();
    int block = Math.max(1, Math.min(100, samples / 10));
    long[] aether = new long[samples];
    long[] raw = new long[samples];
    long[] aetherState = {0};
    long[] rawState = {0, 0};
    int warmup = Math.min(200, samples);
    for (int i = 0; i < warmup; i++) {
      timeAether("lat-warm", aetherState);
      timeRaw("lat-warm", rawState);
    }
    for (int done = 0, b = 0; done < samples; b++) {
      int n = Math.min(block, samples - done);
      if (b % 2 == 0) {
        for (int i = 0; i < n; i++) {
          raw[done + i] = timeRaw("lat-warm", rawState);
        }
        for (int i = 0; i < n; i++) {
          aether[done + i] = timeAether("lat-warm", aetherState);
        }
      } else {
        for (int i = 0; i < n; i++) {
          aether[done + i] = timeAether("lat-warm", aetherState);
        }
        for (int i = 0; i < n; i++) {
          raw[done + i] = timeRaw("lat-warm", rawState);
        }
      }
      done += n;
    }

    // Cold: every actor has one event, written by another store instance, so a new store has
    // never seen it and must look up where the actor ends before it can publish.
    int cold = sizes.coldActors();
    try (JetStreamEventStore writer = JetStreamEventStore.builder(aetherConnection, namespace)
        .build()) {
      pipeline("cold", cold, 1, (actor, version, seq) -> writer.appendAsync(actor,
          ExpectedVersion.noStream(), List.of(Workload.newEvent(data)))
          .thenApply(AppendResult::lastPosition));
    }
    long[] rawSeqs = new long[cold];
    for (int i = 0; i < cold; i++) {
      rawSeqs[i] = Raw.publish(js, RawMessages.event(rawNamespace, "cold-" + i, 1, 0,
          Workload.newEvent(data))).getSeqno();
    }
    long[] coldAether = new long[cold];
    long[] coldRaw = new long[cold];
    long[] coldLookup = new long[cold];
    try (JetStreamEventStore fresh = JetStreamEventStore.builder(aetherConnection, namespace)
        .build()) {
      for (int i = 0; i < cold; i++) {
        String actor = "cold-" + i;
        NewEvent event = Workload.newEvent(data);
        long t0 = System.nanoTime();
        fresh.append(actor, ExpectedVersion.exactly(1), event);
        coldAether[i] = System.nanoTime() - t0;
        NewEvent rawEvent = Workload.newEvent(data);
        t0 = System.nanoTime();
        Raw.publish(js, RawMessages.event(rawNamespace, actor, 2, rawSeqs[i], rawEvent));
        coldRaw[i] = System.nanoTime() - t0;
        NewEvent lookupEvent = Workload.newEvent(data);
        t0 = System.nanoTime();
        MessageInfo last = jsm.getLastMessage(SubjectLayout.streamName(rawNamespace),
            SubjectLayout.actorEvents(rawNamespace, actor));
        Raw.publish(js, RawMessages.event(rawNamespace, actor, 3, last.getSeq(), lookupEvent));
        coldLookup[i] = System.nanoTime() - t0;
      }
    }

    Arrays.sort(aether);
    Arrays.sort(raw);
    Arrays.sort(coldAether);
    Arrays.sort(coldRaw);
    Arrays.sort(coldLookup);
    double[] ps = {50, 99, 99.9};
    String[] names = {"p50", "p99", "p99.9"};
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < ps.length; i++) {
      double a = ms(Figures.percentile(aether, ps[i]));
      double r = ms(Figures.percentile(raw, ps[i]));
      Comparison c = Comparison.of("single append " + names[i] + ", warm cache", "ms",
          Better.LOWER, a, r).withNote(samples + " samples each, alternating blocks of " + block);
      section.add(i < 2 ? c.withTarget(Target.ratioAtMost(i == 0 ? 1.05 : 1.1)) : c
          .withNote(samples + " samples each; p99.9 is the " + (int) Math.ceil(samples / 1000.0)
              + " slowest, no target"));
      double ca = ms(Figures.percentile(coldAether, ps[i]));
      double cr = ms(Figures.percentile(coldRaw, ps[i]));
      section.add(Comparison.of("single append " + names[i] + ", cold cache", "ms",
          Better.LOWER, ca, cr).withNote(cold + " samples; raw lookup + publish "
          + Figures.format(ms(Figures.percentile(coldLookup, ps[i]))) + " ms"));
      rows.add(List.of(names[i], Figures.format(r), Figures.format(a),
          Figures.format(ms(Figures.percentile(coldLookup, ps[i]))), Figures.format(ca)));
    }
    section.add(new Table(List.of("percentile", "raw sync publish (ms)", "Aether, warm (ms)",
        "raw lookup + publish (ms)", "Aether, cold (ms)"), rows));
  }

  private long timeAether(String actor, long[] state) {
    NewEvent event = Workload.newEvent(data);
    long t0 = System.nanoTime();
    AppendResult r = store.append(actor, ExpectedVersion.exactly(state[0]), event);
    long t = System.nanoTime() - t0;
    state[0] = r.lastVersion();
    return t;
  }

  private long timeRaw(String actor, long[] state) throws Exception {
    NewEvent event = Workload.newEvent(data);
    long t0 = System.nanoTime();
    PublishAck ack = Raw.publish(js, RawMessages.event(rawNamespace, actor, state[0] + 1,
        state[1], event));
    long t = System.nanoTime() - t0;
    state[0]++;
    state[1] = ack.getSeqno();
    return t;
  }

  private static double ms(double nanos) {
    return nanos / 1e6;
  }

  // ---- replay -------------------------------------------------------------------------------

  private void replay(Section section) throws Exception {
    System.out.println("-- " + target.label() + " replay");
    int n = sizes.replayEvents();
    String actor = "replay-1";
    int batch = 100;
    for (int v = 0; v < n; v += batch) {
      List<NewEvent> events = new ArrayList<>(batch);
      for (int i = 0; i < Math.min(batch, n - v); i++) {
        events.add(Workload.newEvent(data));
      }
      store.append(actor, ExpectedVersion.exactly(v), events);
    }
    String filter = SubjectLayout.actorEvents(namespace, actor);
    Rounds.Measured full = Rounds.withCpu("replay one actor of " + n + " events", "events/s",
        Better.HIGHER, sizes.rounds(),
        round -> {
          long t0 = System.nanoTime();
          ReadResult r = store.read(actor, 1);
          long t = System.nanoTime() - t0;
          check(r.events().size(), n, "Aether read");
          return n / (t / 1e9);
        },
        round -> {
          long t0 = System.nanoTime();
          Raw.readOrdered(js, filter, 1, n);
          return n / ((System.nanoTime() - t0) / 1e9);
        });
    section.add(full.figure().withTarget(Target.ratioAtLeast(1.0))).add(full.cpu());

    int tail = Math.min(sizes.snapshotTail(), n - 1);
    long snapshotVersion = n - tail;
    try (JetStreamSnapshotStore snapshots = JetStreamSnapshotStore
        .builder(aetherConnection, namespace).replicas(target.replicas()).build()) {
      Event at = store.read(actor, snapshotVersion, 1).events().get(0);
      snapshots.save(new Snapshot(actor, snapshotVersion, at.position(), Instant.now(),
          Payload.json(Workload.json(Workload.MESSAGE_SIZE))));
      String snapStream = snapshots.streamName();
      String snapSubject = "aether.snap." + namespace.name() + "." + actor;
      int loads = sizes.snapshotLoads();
      Rounds.Measured fromSnapshot = Rounds.withCpu(
          "replay from a snapshot + " + tail + " events",
          "loads/s", Better.HIGHER, sizes.rounds(),
          round -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < loads; i++) {
              Snapshot s = snapshots.load(actor).orElseThrow();
              // As ActorRepository loads: the snapshot's position is the hint for the tail.
              ReadResult r = store.read(actor, s.version() + 1, Integer.MAX_VALUE, s.position());
              check(r.events().size(), tail, "Aether read after the snapshot");
            }
            return loads / ((System.nanoTime() - t0) / 1e9);
          },
          round -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < loads; i++) {
              MessageInfo s = jsm.getLastMessage(snapStream, snapSubject);
              Headers h = s.getHeaders();
              long position = Long.parseLong(h.getFirst("Aether-Snapshot-Position"));
              Raw.readOrdered(js, filter, position + 1, tail);
            }
            return loads / ((System.nanoTime() - t0) / 1e9);
          });
      section.add(fromSnapshot.figure().withTarget(Target.ratioAtLeast(1.0)))
          .add(fromSnapshot.cpu());
    }
  }

  private static void check(int got, int expected, String what) {
    if (got != expected) {
      throw new IllegalStateException(what + " returned " + got + " events, expected "
          + expected);
    }
  }

  // ---- catch-up subscription ----------------------------------------------------------------

  private void catchUp(Section section) throws Exception {
    System.out.println("-- " + target.label() + " catch-up subscription");
    long last = store.lastPosition();
    int n = (int) last;
    String filter = SubjectLayout.allEvents(namespace);
    Rounds.Measured c = Rounds.withCpu("catch-up subscription over " + n + " events",
        "events/s",
        Better.HIGHER, sizes.rounds(),
        round -> catchUpRate(store, n),
        round -> {
          long t0 = System.nanoTime();
          Raw.readOrdered(js, filter, 1, n);
          return n / ((System.nanoTime() - t0) / 1e9);
        });
    section.add(c.figure().withTarget(Target.ratioAtLeast(0.95))).add(c.cpu());
  }

  // ---- same headers and sizes ---------------------------------------------------------------

  private void headerParity(Section section) throws Exception {
    MessageInfo aether = jsm.getLastMessage(store.streamName(),
        SubjectLayout.actorEvents(namespace, "lat-warm"));
    MessageInfo raw = jsm.getLastMessage(SubjectLayout.streamName(rawNamespace),
        SubjectLayout.actorEvents(rawNamespace, "lat-warm"));
    section.note(String.format(Locale.ROOT, "Messages as stored: Aether %d headers (%d bytes)"
            + " + %d bytes of data; raw baseline %d headers (%d bytes) + %d bytes of data."
            + " Header names: Aether %s; raw %s.",
        aether.getHeaders().size(), aether.getHeaders().serializedLength(),
        aether.getData().length, raw.getHeaders().size(), raw.getHeaders().serializedLength(),
        raw.getData().length, aether.getHeaders().keySet(), raw.getHeaders().keySet()));
  }

  /**
   * Subscribes to the store from the beginning until {@code n} events arrived, then closes the
   * subscription.
   *
   * @param store the store
   * @param n the events the namespace holds
   * @return events delivered per second
   * @throws Exception if they do not arrive within two minutes
   */
  public static double catchUpRate(EventStore store, long n) throws Exception {
    AtomicLong seen = new AtomicLong();
    CountDownLatch caughtUp = new CountDownLatch(1);
    long t0 = System.nanoTime();
    try (EventSubscription sub = store.subscribe(SubscriptionOptions.fromBeginning(), e -> {
      if (seen.incrementAndGet() == n) {
        caughtUp.countDown();
      }
    })) {
      if (!caughtUp.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("the subscription delivered " + seen.get()
            + " of " + n + " events within " + TIMEOUT);
      }
      return n / ((System.nanoTime() - t0) / 1e9);
    }
  }

  @Override
  public void close() {
    store.close();
    try {
      aetherConnection.close();
      rawConnection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
