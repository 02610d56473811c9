package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A consumer delivery's sequences and consumer name, read from its {@code $JS.ACK} subject. */
final class AckSubjectTest {

  private static final String V1 = "$JS.ACK.AETHER_orders.aether-read-x1.1.4711.42.1733600000.9";
  private static final String V2 =
      "$JS.ACK.hub.ACCHASH.AETHER_orders.aether-read-x1.1.4711.42.1733600000.9.r4nd0m";

  @Test
  void oldFormat_givesStreamSequenceConsumerSequenceAndName() {
    assertThat(ConsumerFeed.tokens(V1)).isEqualTo(9);
    assertThat(ConsumerFeed.token(V1, 5)).isEqualTo(4711);
    assertThat(ConsumerFeed.token(V1, 6)).isEqualTo(42);
    assertThat(ReplyInbox.consumer(V1)).isEqualTo("aether-read-x1");
  }

  @Test
  void formatWithDomainAndAccount_givesTheSameAfterTwoMoreTokens() {
    assertThat(ConsumerFeed.tokens(V2)).isEqualTo(12);
    assertThat(ConsumerFeed.token(V2, 7)).isEqualTo(4711);
    assertThat(ConsumerFeed.token(V2, 8)).isEqualTo(42);
    assertThat(ReplyInbox.consumer(V2)).isEqualTo("aether-read-x1");
  }

  @Test
  void aTokenThatIsNotANumber_orMissing_isMinusOne() {
    assertThat(ConsumerFeed.token(V1, 2)).isEqualTo(-1);
    assertThat(ConsumerFeed.token(V1, 20)).isEqualTo(-1);
    assertThat(ConsumerFeed.token("a..b", 1)).isEqualTo(-1);
    assertThat(ConsumerFeed.token("1.99999999999999999999", 1)).isEqualTo(-1);
  }
}
