package one.flowmade.aether.examples.bank;

import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.projection.Projection;

/**
 * The balance read model's handlers: what each account event does to the balance. The same
 * handlers feed a table in PostgreSQL and a bucket in NATS KV; the application adds the event
 * store and the checkpoint store, and a unit test the fixture's ({@code BalanceProjectionTest}).
 */
public final class BalanceProjection {

  private BalanceProjection() {}

  /**
   * Returns a projection builder with the handlers, still without event store and checkpoint
   * store.
   *
   * @param name the projection's name (keys its checkpoint)
   * @param codec decodes the account events
   * @param balances where the balances go
   * @return the builder
   */
  public static Projection.Builder define(String name, EventCodec codec, Balances balances) {
    return Projection.builder()
        .name(name)
        .codec(codec)
        .on(AccountEvent.Opened.class, (opened, context) ->
            balances.add(context.event().actorId(), 0, context))
        .on(AccountEvent.Deposited.class, (deposited, context) ->
            balances.add(context.event().actorId(), deposited.amountCents(), context))
        .on(AccountEvent.Withdrawn.class, (withdrawn, context) ->
            balances.add(context.event().actorId(), -withdrawn.amountCents(), context));
  }
}
