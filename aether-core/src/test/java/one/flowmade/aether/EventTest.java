package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.internal.LazyEvents;
import org.junit.jupiter.api.Test;

final class EventTest {

  private static final Instant TIME = Instant.parse("2026-12-07T10:00:00Z");
  private static final Metadata META = Metadata.builder().correlationId("c").build();

  @Test
  void lazyEvent_decodesTimestampAndMetadataOnFirstRead_once_andEqualsTheEagerOne() {
    AtomicInteger times = new AtomicInteger();
    AtomicInteger metas = new AtomicInteger();
    Event lazy = LazyEvents.event("id", "T", "a", 2, 9, Payload.json("{}"),
        new LazyEvents.Source() {
          @Override
          public Instant timestamp() {
            times.incrementAndGet();
            return TIME;
          }

          @Override
          public Metadata metadata() {
            metas.incrementAndGet();
            return META;
          }
        });
    Event eager = new Event("id", "T", "a", 2, TIME, META, Payload.json("{}"), 9);

    assertThat(lazy.version()).isEqualTo(2);
    assertThat(times).hasValue(0);
    assertThat(metas).hasValue(0);
    assertThat(lazy).isEqualTo(eager).hasSameHashCodeAs(eager).hasToString(eager.toString());
    lazy.timestamp();
    lazy.metadata();
    assertThat(times).hasValue(1);
    assertThat(metas).hasValue(1);
  }

  @Test
  void lazyEvent_checksTheEagerFieldsAtOnce() {
    LazyEvents.Source never = new LazyEvents.Source() {
      @Override
      public Instant timestamp() {
        throw new AssertionError();
      }

      @Override
      public Metadata metadata() {
        throw new AssertionError();
      }
    };
    assertThatThrownBy(() -> LazyEvents.event("id", "T", "a", 0, 1, Payload.empty(), never))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> LazyEvents.event("id", "T", "", 1, 1, Payload.empty(), never))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LazyEvents.event("id", "T", "a", 1, 0, Payload.empty(), never))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position");
  }

  @Test
  void wrap_takesTheBytesOverWithoutCopying_andChecksTheContentType() {
    byte[] bytes = {1, 2};
    Payload payload = LazyEvents.wrap(bytes, "application/x");
    assertThat(payload.asReadOnlyBuffer().get(0)).isEqualTo((byte) 1);
    assertThat(payload).isEqualTo(Payload.of(bytes, "application/x"));
    assertThatThrownBy(() -> LazyEvents.wrap(bytes, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void constructor_validatesEveryField() {
    assertThatThrownBy(() -> new Event("id", "T", "a", 1, null, META, Payload.empty(), 1))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Event("id", "T", "a", 0, TIME, META, Payload.empty(), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
