package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class LogTextTest {

  @Test
  void tail_returnsTheLastLinesWithoutTrailingNewline() {
    assertThat(LogText.tail("a\nb\nc\n", 2)).isEqualTo("b\nc");
  }

  @Test
  void tail_returnsEverythingWhenTheLogIsShorter() {
    assertThat(LogText.tail("a\nb", 5)).isEqualTo("a\nb");
  }

  @Test
  void tail_ofZeroLinesIsEmpty() {
    assertThat(LogText.tail("a\nb", 0)).isEmpty();
  }

  @Test
  void excerpt_indentsTheLinesUnderAHeading() {
    assertThat(LogText.excerpt("n1", "x\ny\n", 10))
        .isEqualTo("\n  last lines of n1's log:\n    x\n    y");
  }

  @Test
  void excerpt_saysWhenNothingWasLogged() {
    assertThat(LogText.excerpt("n1", "", 10)).contains("n1 has logged nothing");
  }
}
