package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class PayloadTest {

  @Test
  void of_copiesTheBytesInAndOut() {
    byte[] bytes = {1, 2, 3};
    Payload payload = Payload.of(bytes, Payload.OCTET_STREAM);
    bytes[0] = 9;
    byte[] out = payload.toByteArray();
    out[1] = 9;

    assertThat(payload.toByteArray()).containsExactly(1, 2, 3);
    assertThat(payload.size()).isEqualTo(3);
    assertThat(payload.contentType()).isEqualTo(Payload.OCTET_STREAM);
  }

  @Test
  void asReadOnlyBuffer_cannotBeWritten() {
    ByteBuffer buffer = Payload.json("{}").asReadOnlyBuffer();

    assertThat(buffer.remaining()).isEqualTo(2);
    assertThatThrownBy(() -> buffer.put((byte) 0)).isInstanceOf(ReadOnlyBufferException.class);
  }

  @Test
  void json_encodesUtf8AndIsJson() {
    Payload payload = Payload.json("{\"name\":\"ünï 🚀\"}");

    assertThat(payload.contentType()).isEqualTo(Payload.JSON);
    assertThat(payload.asUtf8()).isEqualTo("{\"name\":\"ünï 🚀\"}");
    assertThat(payload.toByteArray())
        .isEqualTo("{\"name\":\"ünï 🚀\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(Payload.empty().size()).isZero();
    assertThat(Payload.empty().contentType()).isEqualTo(Payload.JSON);
  }

  @Test
  void equals_comparesContentTypeAndBytes() {
    assertThat(Payload.json("{}")).isEqualTo(Payload.of("{}".getBytes(StandardCharsets.UTF_8),
        Payload.JSON)).hasSameHashCodeAs(Payload.json("{}"));
    assertThat(Payload.json("{}")).isNotEqualTo(Payload.of("{}".getBytes(StandardCharsets.UTF_8),
        "text/plain"));
  }

  @Test
  void of_invalidContentType_isRejected() {
    assertThatThrownBy(() -> Payload.of(new byte[0], " "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Payload.of(new byte[0], "text/plain\r\nX-Evil: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+000D");
    assertThatThrownBy(() -> Payload.of(new byte[0], "tëxt/plain"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
