package one.flowmade.aether.examples.bank;

import java.util.Map;
import one.flowmade.aether.projection.ProjectionContext;

/**
 * Where the balance read model keeps each account's balance: {@link PostgresBalances} or {@link
 * KvBalances}. {@link BalanceProjection} feeds it.
 */
public interface Balances {

  /**
   * Adds to an account's balance, creating the account's entry at zero first if needed.
   *
   * @param accountId the account
   * @param deltaCents the change, in cents (0 for an opened account)
   * @param context the event being applied (its position, and the transaction if any)
   * @throws Exception if the balance cannot be written; the projection's error policy decides
   */
  void add(String accountId, long deltaCents, ProjectionContext context) throws Exception;

  /**
   * Reads every account's balance.
   *
   * @return balance in cents by account id, sorted by account id
   */
  Map<String, Long> all();
}
