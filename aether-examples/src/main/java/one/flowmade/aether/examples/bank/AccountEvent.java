package one.flowmade.aether.examples.bank;

/** What can happen to a bank account. */
public sealed interface AccountEvent {

  /**
   * The account was opened.
   *
   * @param owner who owns it
   */
  record Opened(String owner) implements AccountEvent {}

  /**
   * Money came in.
   *
   * @param amountCents how much, in cents
   */
  record Deposited(long amountCents) implements AccountEvent {}

  /**
   * Money went out.
   *
   * @param amountCents how much, in cents
   */
  record Withdrawn(long amountCents) implements AccountEvent {}
}
