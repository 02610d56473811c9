package one.flowmade.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import org.junit.jupiter.api.Test;

final class BusEventTest {

  private static final Namespace NS = Namespace.of("ns");

  @Test
  void ofStoredEvent_keepsVersionAndPosition_andConvertsBack() {
    Event stored = new Event("e", "T", "a", 4, Instant.EPOCH, Metadata.empty(), Payload.empty(),
        17);

    BusEvent event = BusEvent.of(NS, stored);

    assertThat(event.version()).isEqualTo(4);
    assertThat(event.position()).isEqualTo(17);
    assertThat(event.toStoredEvent()).contains(stored);
  }

  @Test
  void busOnlyEvent_hasNoVersionOrPosition_andIsNoStoredEvent() {
    BusEvent event = BusEvent.of(NS, "a", NewEvent.of("T", Payload.empty()));

    assertThat(event.version()).isEqualTo(BusEvent.NONE);
    assertThat(event.position()).isEqualTo(BusEvent.NONE);
    assertThat(event.toStoredEvent()).isEmpty();
    assertThat(event.withVersion(3).version()).isEqualTo(3);
  }

  @Test
  void invalidFields_areRejected() {
    assertThatThrownBy(() -> BusEvent.of(NS, "", "T", Payload.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BusEvent.of(NS, "a", "T", Payload.empty()).withVersion(-1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
