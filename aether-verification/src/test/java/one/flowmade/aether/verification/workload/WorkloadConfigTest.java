package one.flowmade.aether.verification.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import one.flowmade.aether.Namespace;
import org.junit.jupiter.api.Test;

final class WorkloadConfigTest {

  private static final WorkloadConfig CONFIG = new WorkloadConfig(
      List.of("nats://127.0.0.1:4222", "nats://127.0.0.1:4223"), Namespace.of("jepsen"), "jepsen",
      "a2", 3, Path.of("/tmp/a2#3.jsonl"), 6, 2, 8, -42L, Duration.ofMillis(40));

  @Test
  void parse_ofToArguments_returnsTheSameConfiguration() {
    assertThat(WorkloadConfig.parse(CONFIG.toArguments().toArray(String[]::new)))
        .isEqualTo(CONFIG);
  }

  @Test
  void process_isNodeAndIncarnation() {
    assertThat(CONFIG.process()).isEqualTo("a2#3");
  }

  @Test
  void parse_missingOrMalformedArgument_isRejected() {
    assertThatThrownBy(() -> WorkloadConfig.parse("servers=nats://x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespace");
    assertThatThrownBy(() -> WorkloadConfig.parse("nonsense"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key=value");
  }
}
