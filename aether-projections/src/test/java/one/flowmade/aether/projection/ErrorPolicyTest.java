package one.flowmade.aether.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class ErrorPolicyTest {

  @Test
  void default_retriesThenStops_withBackoffDoublingUpToTheBound() {
    ErrorPolicy p = ErrorPolicy.stop();
    assertThat(p.action()).isEqualTo(ErrorPolicy.Action.STOP);
    assertThat(p.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoff(30)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void invalidPolicy_isRejected() {
    assertThatThrownBy(() -> ErrorPolicy.park().withRetries(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attempts");
  }

  @Test
  void partitionOf_isStableAndInRange() {
    assertThat(Projection.partitionOf("account-1", 8))
        .isEqualTo(Projection.partitionOf("account-1", 8)).isBetween(0, 7);
  }
}
