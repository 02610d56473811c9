package one.flowmade.aether.benchmarks.jmh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.memory.InMemoryEventStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The in-memory event store against the simplest correct store a user could write by hand: a
 * synchronized map of per-actor lists plus a global list, with the same version check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MemoryStoreBenchmark {

  static final int ACTORS = 1000;
  static final int READ_EVENTS = 100;

  private final List<String> actors = Workload.actors("actor", ACTORS);
  private final Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
  private final Metadata metadata = Metadata.builder()
      .correlationId(Workload.CORRELATION_ID).build();
  private InMemoryEventStore store;
  private SynchronizedLog log;
  private long[] versions;
  private long[] rawVersions;
  private long sequence;
  private int next;

  /**
   * Starts each iteration on an empty store, so memory stays bounded, and fills the actor that
   * the read benchmarks read.
   */
  @Setup(Level.Iteration)
  public void setUp() {
    store = InMemoryEventStore.create(Namespace.of("bench"));
    log = new SynchronizedLog();
    versions = new long[ACTORS];
    rawVersions = new long[ACTORS];
    for (int v = 0; v < READ_EVENTS; v++) {
      store.append("reader", ExpectedVersion.exactly(v), event());
      log.append("reader", v, event());
    }
  }

  /** Closes the iteration's store. */
  @TearDown(Level.Iteration)
  public void tearDown() {
    store.close();
  }

  private NewEvent event() {
    return new NewEvent("e-" + sequence++, Workload.EVENT_TYPE,
        java.time.Instant.EPOCH, metadata, data);
  }

  /**
   * Aether: append one event to the next of {@value #ACTORS} actors, expecting its version.
   *
   * @return the result
   */
  @Benchmark
  public AppendResult append() {
    int a = next++ % ACTORS;
    AppendResult result = store.append(actors.get(a), ExpectedVersion.exactly(versions[a]),
        event());
    versions[a] = result.lastVersion();
    return result;
  }

  /**
   * Baseline: the same append on a synchronized map of lists.
   *
   * @return the result
   */
  @Benchmark
  public AppendResult rawAppend() {
    int a = next++ % ACTORS;
    AppendResult result = log.append(actors.get(a), rawVersions[a], event());
    rawVersions[a] = result.lastVersion();
    return result;
  }

  /**
   * Aether: read an actor's {@value #READ_EVENTS} events.
   *
   * @return the events
   */
  @Benchmark
  public ReadResult read() {
    return store.read("reader", 1);
  }

  /**
   * Baseline: copy the actor's {@value #READ_EVENTS} events out of the synchronized map.
   *
   * @return the events
   */
  @Benchmark
  public List<Event> rawRead() {
    return log.read("reader");
  }

  /** The hand-written store: one lock, a map of lists and a global list. */
  static final class SynchronizedLog {
    private final Map<String, List<Event>> byActor = new HashMap<>();
    private final List<Event> all = new ArrayList<>();

    synchronized AppendResult append(String actorId, long expected, NewEvent event) {
      List<Event> events = byActor.computeIfAbsent(actorId, k -> new ArrayList<>());
      if (events.size() != expected) {
        throw new IllegalStateException("conflict on " + actorId);
      }
      Event stored = Event.stored(actorId, events.size() + 1, all.size() + 1, event);
      events.add(stored);
      all.add(stored);
      return new AppendResult(actorId, stored.version(), stored.version(), stored.position(),
          stored.position());
    }

    synchronized List<Event> read(String actorId) {
      return List.copyOf(byActor.getOrDefault(actorId, List.of()));
    }
  }
}
