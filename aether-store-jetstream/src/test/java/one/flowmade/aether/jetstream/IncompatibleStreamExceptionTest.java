package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class IncompatibleStreamExceptionTest {

  @Test
  void namesTheStreamAndEveryDifference() {
    IncompatibleStreamException e = new IncompatibleStreamException("AETHER_orders",
        List.of("replicas: found 1, required 3", "sources: found [X], required none"));
    assertThat(e.streamName()).isEqualTo("AETHER_orders");
    assertThat(e.differences()).hasSize(2);
    assertThat(e.getMessage()).contains("'AETHER_orders'").contains("replicas: found 1")
        .contains("sources: found [X]");
  }

  @Test
  void missingOrEmptyDifferences_areRejectedNamingTheArgument() {
    assertThatThrownBy(() -> new IncompatibleStreamException("AETHER_orders", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("differences");
    assertThatThrownBy(() -> new IncompatibleStreamException("AETHER_orders", List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("differences")
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> new IncompatibleStreamException("AETHER_orders",
        Arrays.asList("replicas: found 1, required 3", null)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("differences[1]");
    assertThatThrownBy(() -> new IncompatibleStreamException(null, List.of("replicas")))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("streamName");
  }
}
