package one.flowmade.aether.verification.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.UnknownEventTypeException;
import one.flowmade.aether.memory.InMemoryEventStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stored data an application cannot decode (malformed JSON, unknown types, wrong shapes, binary
 * garbage, pathological nesting) is reported with its position and bytes and skipped, or fails the
 * load under {@link DecodeFailurePolicy#FAIL}; it is never dropped from the store.
 */
final class UndecodableDataTest {

  record Deposited(long amount) {}

  private static final ActorModel<Long, Deposited> BALANCE = new ActorModel<>() {
    @Override
    public Long initialState(String actorId) {
      return 0L;
    }

    @Override
    public Long apply(Long state, Deposited event) {
      return state + event.amount();
    }
  };

  private static final List<NewEvent> HOSTILE = List.of(
      NewEvent.of("deposited", Payload.json("{\"amount\":5}")),
      NewEvent.of("deposited", Payload.json("{not json")),
      NewEvent.of("withdrawn", Payload.json("{\"amount\":1}")),
      NewEvent.of("deposited", Payload.json("{\"amount\":\"lots\"}")),
      NewEvent.of("deposited", Payload.json("")),
      NewEvent.of("deposited", Payload.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1},
          Payload.OCTET_STREAM)),
      NewEvent.of("deposited", Payload.json("[".repeat(5000) + "]".repeat(5000))),
      NewEvent.of("deposited", Payload.json("{\"amount\":1e999999}")),
      NewEvent.of("deposited", Payload.json("{\"amount\":7}")));

  private final EventStore store = InMemoryEventStore.create(Namespace.of("undecodable"));
  private final JacksonEventCodec codec = JacksonEventCodec.builder()
      .register("deposited", Deposited.class).build();

  @AfterEach
  void close() {
    store.close();
  }

  private ActorRepository<Long, Deposited> repository(DecodeFailurePolicy policy,
      List<UndecodableEvent> reported) {
    return ActorRepository.builder(BALANCE, Deposited.class).eventStore(store).codec(codec)
        .decodeFailurePolicy(policy).decodeFailureListener(reported::add).build();
  }

  @Test
  void load_reportAndSkip_reportsEachBadEventAndAppliesTheRest() {
    store.append("acct", ExpectedVersion.noStream(), HOSTILE);
    List<UndecodableEvent> reported = new CopyOnWriteArrayList<>();

    ActorState<Long> state = repository(DecodeFailurePolicy.REPORT_AND_SKIP, reported)
        .load("acct");

    assertThat(state.state()).isEqualTo(12L);
    assertThat(state.version()).isEqualTo(HOSTILE.size());
    assertThat(reported).hasSize(HOSTILE.size() - 2);
    assertThat(reported).allSatisfy(u -> {
      assertThat(u.position()).isPositive();
      assertThat(u.cause()).isInstanceOf(DecodingException.class);
    });
    assertThat(reported.get(1).cause()).isInstanceOf(UnknownEventTypeException.class)
        .hasMessageContaining("withdrawn");
    assertThat(reported.get(0).raw().asUtf8()).isEqualTo("{not json");
  }

  @Test
  void load_failPolicy_failsWithADecodingExceptionNamingTheProblem() {
    store.append("acct", ExpectedVersion.noStream(), HOSTILE);
    List<UndecodableEvent> reported = new CopyOnWriteArrayList<>();

    assertThatThrownBy(() -> repository(DecodeFailurePolicy.FAIL, reported).load("acct"))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("deposited");
    assertThat(reported).hasSize(1);
  }

  @Test
  void undecodableEvents_stayStoredExactly() {
    store.append("acct", ExpectedVersion.noStream(), HOSTILE);
    repository(DecodeFailurePolicy.REPORT_AND_SKIP, new CopyOnWriteArrayList<>()).load("acct");

    assertThat(store.read("acct", 1).events()).extracting(e -> e.data().asUtf8())
        .containsExactlyElementsOf(HOSTILE.stream()
            .map(e -> new String(e.data().toByteArray(), StandardCharsets.UTF_8)).toList());
  }
}
