package one.flowmade.aether.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.examples.bank.AccountEvent.Deposited;
import one.flowmade.aether.examples.bank.AccountEvent.Opened;
import one.flowmade.aether.examples.bank.AccountEvent.Withdrawn;
import one.flowmade.aether.testkit.actor.ActorFixture;
import org.junit.jupiter.api.Test;

final class AccountTest {

  private final ActorFixture<Account, AccountEvent> fixture =
      ActorFixture.of(Account.MODEL, "acc-1").codec(JacksonEventCodec.builder()
          .register(Opened.class).register(Deposited.class).register(Withdrawn.class).build());

  @Test
  void withdraw_withinBalance_decidesWithdrawnAndLowersBalance() {
    fixture.given(new Opened("Ada"), new Deposited(100))
        .when(account -> account.withdraw(30))
        .expectEvents(new Withdrawn(30))
        .expectState(account -> assertThat(account.balanceCents()).isEqualTo(70));
  }

  @Test
  void withdraw_overBalance_isRejected() {
    fixture.given(new Opened("Ada"), new Deposited(100))
        .when(account -> account.withdraw(101))
        .expectRejection(IllegalStateException.class, "insufficient funds");
  }

  @Test
  void open_twice_isRejected() {
    fixture.given(new Opened("Ada"))
        .when(account -> account.open("Bo"))
        .expectRejection(IllegalStateException.class, "already open");
  }

  @Test
  void fixture_failsWhenTheDecidedEventsDiffer() {
    assertThatThrownBy(() -> fixture.given(new Opened("Ada"))
        .when(account -> account.deposit(5))
        .expectEvents(new Deposited(6)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Deposited[amountCents=6]")
        .hasMessageContaining("Deposited[amountCents=5]");
  }

  @Test
  void fixture_failsWhenAnExpectedRejectionDoesNotHappen() {
    assertThatThrownBy(() -> fixture.given(new Opened("Ada"), new Deposited(5))
        .when(account -> account.withdraw(5))
        .expectRejection(IllegalStateException.class, "insufficient"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected a rejection");
  }

  @Test
  void fixture_failsWhenAnEventIsNotRegisteredWithTheCodec() {
    ActorFixture<Account, AccountEvent> unregistered = ActorFixture.of(Account.MODEL, "acc-1")
        .codec(JacksonEventCodec.builder().register(Opened.class).build());

    assertThatThrownBy(() -> unregistered.given(new Opened("Ada"))
        .when(account -> account.deposit(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not registered");
  }
}
