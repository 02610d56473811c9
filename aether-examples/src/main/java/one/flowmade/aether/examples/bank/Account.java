package one.flowmade.aether.examples.bank;

import java.util.List;
import one.flowmade.aether.actor.ActorModel;

/**
 * A bank account's state, and the decisions it makes.
 *
 * @param id the account id
 * @param owner the owner, null until opened
 * @param balanceCents the balance in cents
 */
public record Account(String id, String owner, long balanceCents) {

  /** How events change an account: the actor model the repository runs. */
  public static final ActorModel<Account, AccountEvent> MODEL = new ActorModel<>() {
    @Override
    public Account initialState(String actorId) {
      return new Account(actorId, null, 0);
    }

    @Override
    public Account apply(Account account, AccountEvent event) {
      if (event instanceof AccountEvent.Opened opened) {
        return new Account(account.id(), opened.owner(), 0);
      } else if (event instanceof AccountEvent.Deposited deposited) {
        return new Account(account.id(), account.owner(),
            account.balanceCents() + deposited.amountCents());
      } else if (event instanceof AccountEvent.Withdrawn withdrawn) {
        return new Account(account.id(), account.owner(),
            account.balanceCents() - withdrawn.amountCents());
      }
      throw new IllegalArgumentException("unknown event " + event);
    }
  };

  /**
   * Decides a command: the hosted actors' entry point.
   *
   * @param command what is asked
   * @return the events
   * @throws IllegalStateException if the account refuses (not open, already open, no funds)
   */
  public List<AccountEvent> decide(AccountCommand command) {
    if (command instanceof AccountCommand.Open open) {
      return open(open.owner());
    } else if (command instanceof AccountCommand.Deposit deposit) {
      return deposit(deposit.amountCents());
    } else if (command instanceof AccountCommand.Withdraw withdraw) {
      return withdraw(withdraw.amountCents());
    }
    throw new IllegalArgumentException("unknown command " + command);
  }

  /**
   * Decides to open the account.
   *
   * @param owner the owner
   * @return the events
   */
  public List<AccountEvent> open(String owner) {
    if (this.owner != null) {
      throw new IllegalStateException("account " + id + " is already open");
    }
    return List.of(new AccountEvent.Opened(owner));
  }

  /**
   * Decides to deposit money.
   *
   * @param amountCents how much
   * @return the events
   */
  public List<AccountEvent> deposit(long amountCents) {
    requireOpen();
    return List.of(new AccountEvent.Deposited(amountCents));
  }

  /**
   * Decides to withdraw money, if the balance allows.
   *
   * @param amountCents how much
   * @return the events
   */
  public List<AccountEvent> withdraw(long amountCents) {
    requireOpen();
    if (amountCents > balanceCents) {
      throw new IllegalStateException("insufficient funds in " + id + ": balance "
          + balanceCents + ", asked " + amountCents);
    }
    return List.of(new AccountEvent.Withdrawn(amountCents));
  }

  private void requireOpen() {
    if (owner == null) {
      throw new IllegalStateException("account " + id + " is not open");
    }
  }
}
