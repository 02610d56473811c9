package one.flowmade.aether.benchmarks.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.memory.InMemoryEventStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Loading an actor through {@link ActorRepository} against doing the same by hand: read the
 * events from the same in-memory store, decode each with Jackson and fold them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ActorRepositoryBenchmark {

  static final int EVENTS = 100;

  /**
   * A deposit, padded to a realistic size.
   *
   * @param amount the amount
   * @param reference free text
   */
  public record Deposited(long amount, String reference) {}

  /** The account model: the sum of the deposits. */
  static final class Account implements ActorModel<Long, Deposited> {
    @Override
    public Long initialState(String actorId) {
      return 0L;
    }

    @Override
    public Long apply(Long state, Deposited event) {
      return state + event.amount();
    }
  }

  private ObjectMapper mapper;
  private InMemoryEventStore store;
  private ActorRepository<Long, Deposited> repository;
  private final Account model = new Account();

  /** Stores {@value #EVENTS} deposits for one actor. */
  @Setup
  public void setUp() {
    mapper = JacksonEventCodec.defaultMapper();
    JacksonEventCodec codec = JacksonEventCodec.builder().objectMapper(mapper)
        .register(Deposited.class).build();
    store = InMemoryEventStore.create(Namespace.of("bench"));
    repository = ActorRepository.builder(model, Deposited.class)
        .eventStore(store).codec(codec).build();
    String reference = new String(Workload.json(Workload.MESSAGE_SIZE - 40),
        java.nio.charset.StandardCharsets.US_ASCII).replace("\"", "");
    for (int v = 0; v < EVENTS; v++) {
      store.append("account-1", ExpectedVersion.exactly(v),
          codec.toNewEvent(new Deposited(v, reference)));
    }
  }

  /** Closes the store. */
  @TearDown
  public void tearDown() {
    store.close();
  }

  /**
   * Aether: load the actor through the repository.
   *
   * @return its state
   */
  @Benchmark
  public ActorState<Long> load() {
    return repository.load("account-1");
  }

  /**
   * Baseline: read the events from the same store, decode each with Jackson, fold them.
   *
   * @return its state
   * @throws IOException never
   */
  @Benchmark
  public Long rawLoad() throws IOException {
    List<Event> events = store.read("account-1", 1).events();
    Long state = model.initialState("account-1");
    for (Event event : events) {
      state = model.apply(state,
          mapper.readValue(event.data().toByteArray(), Deposited.class));
    }
    return state;
  }
}
