package one.flowmade.aether.verification.workload;

import java.util.List;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.cluster.actor.ActorType;
import one.flowmade.aether.codec.JacksonEventCodec;

/**
 * The hosted actor of a fault-injection run: every command appends one event that names the
 * process that decided it and the shard epoch under which it held the actor's shard, so the
 * checker can tell from the stored events alone whether two owners wrote an actor in one epoch
 * or a stale owner wrote after a newer one.
 */
final class HostedAccount {

  private HostedAccount() {}

  /** The command: a deposit, with the actor it is for (the handler needs its shard). */
  record Deposit(String actorId, long seq) {}

  /** The event: which command, and who wrote it in which epoch. */
  record Deposited(long seq, String writer, long epoch) {}

  /** The state: how many deposits (the actor's version). */
  record Account(long deposits) {}

  static final ActorModel<Account, Deposited> MODEL = new ActorModel<>() {
    @Override
    public Account initialState(String actorId) {
      return new Account(0);
    }

    @Override
    public Account apply(Account state, Deposited event) {
      return new Account(state.deposits() + 1);
    }
  };

  static final JacksonEventCodec CODEC =
      JacksonEventCodec.builder().register(Deposited.class).build();

  static final ActorType<Deposited, Deposit> TYPE =
      ActorType.of("account", Deposit.class, Deposited.class, CODEC);

  /** The one event of a deposit decided by {@code writer} holding the shard in {@code epoch}. */
  static List<Deposited> decide(Deposit deposit, String writer, long epoch) {
    return List.of(new Deposited(deposit.seq(), writer, epoch));
  }
}
