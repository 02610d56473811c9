package one.flowmade.aether.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

final class PartitionOfTest {

  @Test
  void partitionOf_isTheCrc32OfTheActorIdModuloTheCount() {
    CRC32 crc = new CRC32();
    crc.update("acc-7".getBytes(StandardCharsets.UTF_8));
    assertThat(Projection.partitionOf("acc-7", 6)).isEqualTo((int) (crc.getValue() % 6));
    assertThat(Projection.partitionOf("acc-7", 1)).isZero();
  }

  @Test
  void partitionOf_badInput_isRejectedNamingTheArgumentAndValue() {
    assertThatThrownBy(() -> Projection.partitionOf(null, 4))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("actorId");
    assertThatThrownBy(() -> Projection.partitionOf("", 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actorId");
    assertThatThrownBy(() -> Projection.partitionOf("a", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> Projection.partitionOf("a", -3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was -3");
  }
}
