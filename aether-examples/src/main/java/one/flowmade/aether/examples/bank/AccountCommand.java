package one.flowmade.aether.examples.bank;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What can be asked of a bank account. Hosted actors receive commands as JSON, so the type is
 * written into it ({@code {"type":"deposit","amountCents":100}}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AccountCommand.Open.class, name = "open"),
    @JsonSubTypes.Type(value = AccountCommand.Deposit.class, name = "deposit"),
    @JsonSubTypes.Type(value = AccountCommand.Withdraw.class, name = "withdraw")})
public sealed interface AccountCommand {

  /**
   * Open the account.
   *
   * @param owner who owns it
   */
  record Open(String owner) implements AccountCommand {}

  /**
   * Put money in.
   *
   * @param amountCents how much, in cents
   */
  record Deposit(long amountCents) implements AccountCommand {}

  /**
   * Take money out, if the balance allows.
   *
   * @param amountCents how much, in cents
   */
  record Withdraw(long amountCents) implements AccountCommand {}
}
