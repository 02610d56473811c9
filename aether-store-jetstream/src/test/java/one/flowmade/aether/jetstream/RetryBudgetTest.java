package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class RetryBudgetTest {

  @Test
  void backoff_staysWithinTheExponentialCapAndTheMaximum() {
    RetryBudget budget = new RetryBudget(Duration.ofSeconds(30), Duration.ofMillis(10),
        Duration.ofMillis(300));

    for (int i = 0; i < 200; i++) {
      assertThat(budget.backoff(1)).isBetween(Duration.ZERO, Duration.ofMillis(10));
      assertThat(budget.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(40));
      assertThat(budget.backoff(40)).isBetween(Duration.ZERO, Duration.ofMillis(300));
      assertThat(budget.backoff(Integer.MAX_VALUE)).isBetween(Duration.ZERO,
          Duration.ofMillis(300));
    }
  }

  @Test
  void none_neverWaitsAndHasNoTime() {
    assertThat(RetryBudget.none().backoff(5)).isZero();
    assertThat(RetryBudget.none().timeLimit()).isZero();
  }

  @Test
  void invalidDurations_throwIllegalArgument() {
    assertThatThrownBy(() -> new RetryBudget(Duration.ofSeconds(-1), Duration.ZERO,
        Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryBudget(Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withTimeLimit_keepsTheBackoff() {
    RetryBudget budget = RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(5));

    assertThat(budget.timeLimit()).isEqualTo(Duration.ofSeconds(5));
    assertThat(budget.maxBackoff()).isEqualTo(RetryBudget.defaults().maxBackoff());
  }

  @Test
  void dataSize_unitsAndChecks() {
    assertThat(DataSize.ofKibibytes(2).bytes()).isEqualTo(2048);
    assertThat(DataSize.ofMebibytes(1).bytes()).isEqualTo(1 << 20);
    assertThat(DataSize.ofGibibytes(1).bytes()).isEqualTo(1L << 30);
    assertThatThrownBy(() -> DataSize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DataSize.ofGibibytes(Long.MAX_VALUE))
        .isInstanceOf(ArithmeticException.class);
  }
}
