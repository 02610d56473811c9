package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

final class ShutdownTest {

  @Test
  void closeNow_closesInTheOrderGiven_once_andGoesOnAfterOneThrows() {
    List<String> closed = new CopyOnWriteArrayList<>();
    try (Shutdown shutdown = Shutdown.onSignal(() -> closed.add("node"), () -> {
      closed.add("host");
      throw new IllegalStateException("boom");
    }, () -> closed.add("connection"))) {
      shutdown.closeNow();
      shutdown.closeNow();
    }
    assertThat(closed).containsExactly("node", "host", "connection");
  }

  @Test
  void onSignal_withoutComponents_orWithANullOne_isRefused() {
    assertThatThrownBy(Shutdown::onSignal).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> Shutdown.onSignal(() -> { }, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("closeables[1]");
  }
}
