package one.flowmade.aether.benchmarks.actors;

import java.util.List;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.SnapshotPolicy;
import one.flowmade.aether.cluster.actor.ActorType;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.JacksonStateCodec;

/** The bank-account actor both paths run: a small record state, one event per deposit. */
final class Bank {

  private Bank() {}

  /** The command. */
  record Deposit(long amount) {}

  /** The event. */
  record Deposited(long amount) {}

  /** The state: a balance and how many deposits made it. */
  record Account(long balance, long deposits) {}

  static final ActorModel<Account, Deposited> MODEL = new ActorModel<>() {
    @Override
    public Account initialState(String actorId) {
      return new Account(0, 0);
    }

    @Override
    public Account apply(Account state, Deposited event) {
      return new Account(state.balance() + event.amount(), state.deposits() + 1);
    }
  };

  static final JacksonEventCodec CODEC =
      JacksonEventCodec.builder().register(Deposited.class).build();

  static final ActorType<Deposited, Deposit> ACCOUNT =
      ActorType.of("account", Deposit.class, Deposited.class, CODEC);

  /** The command handler: a deposit of a positive amount. */
  static List<Deposited> decide(Account account, Deposit deposit) {
    if (deposit.amount() <= 0) {
      throw new IllegalArgumentException("amount must be positive, was " + deposit.amount());
    }
    return List.of(new Deposited(deposit.amount()));
  }

  /**
   * The accounts' repository, as both paths use it: a snapshot every {@code snapshotEvery} events
   * and a command-id horizon of as many events.
   */
  static ActorRepository<Account, Deposited> repository(EventStore events,
      SnapshotStore snapshots, int snapshotEvery) {
    return ActorRepository.builder(MODEL, Deposited.class)
        .eventStore(events).codec(CODEC)
        .snapshots(snapshots, JacksonStateCodec.of(Account.class))
        .snapshotPolicy(SnapshotPolicy.everyEvents(snapshotEvery))
        // The first runs of this part read more than 32 events with an ordered consumer each,
        // which lingered and hit the server's consumer limit (10026); reads now use batched
        // direct gets (ReadConsumersIT), and the horizon stays at the snapshot interval so the
        // figures compare with those runs.
        .commandIdHorizon(snapshotEvery)
        .build();
  }
}
