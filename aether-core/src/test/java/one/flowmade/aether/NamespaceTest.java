package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

final class NamespaceTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "orders", "a-b", "a_b", "ab", "0", "9lives", "a--b", "a_", "a-"})
  void of_validName_keepsItUnchanged(String name) {
    Namespace namespace = Namespace.of(name);

    assertThat(namespace.name()).isEqualTo(name);
    assertThat(namespace).hasToString(name);
  }

  @Test
  void of_nameOfTheMaximumLength_isAccepted() {
    String name = "a".repeat(Namespace.MAX_LENGTH);

    assertThat(Namespace.of(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "a.b   | contains '.' at index 1",
      "a*    | contains '*' at index 1",
      ">     | contains '>' at index 0",
      "\" a\" | contains U+0020 at index 0",
      "a b   | contains U+0020 at index 1",
      "A     | contains 'A' at index 0",
      "orDers| contains 'D' at index 2",
      "a\tb  | contains U+0009 at index 1",
      "ä     | contains 'ä' at index 0",
      "-a    | must start with a lower-case letter or a digit",
      "_a    | must start with a lower-case letter or a digit",
      "a/b   | contains '/' at index 1"})
  void of_invalidName_isRejectedNamingTheOffendingCharacter(String name, String message) {
    assertThatThrownBy(() -> Namespace.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace name '" + name + "'")
        .hasMessageContaining(message);
  }

  @Test
  void of_emptyName_isRejected() {
    assertThatThrownBy(() -> Namespace.of(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namespace name must not be empty");
  }

  @Test
  void of_tooLongName_isRejectedNamingTheLimit() {
    assertThatThrownBy(() -> Namespace.of("a".repeat(Namespace.MAX_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65 characters")
        .hasMessageContaining("at most " + Namespace.MAX_LENGTH);
  }

  @Test
  void of_null_throwsNullPointer() {
    assertThatThrownBy(() -> Namespace.of(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void equals_comparesNames() {
    assertThat(Namespace.of("a-b")).isEqualTo(Namespace.of("a-b"))
        .isNotEqualTo(Namespace.of("a_b"));
  }
}
