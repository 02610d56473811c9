package one.flowmade.aether.verification.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import one.flowmade.aether.Namespace;

/** {@link Namespace} accepts exactly the documented names and names the reason for the rest. */
final class NamespacePropertyTest {

  @Provide
  Arbitrary<String> validNames() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1)
        .flatMap(first -> Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
            .withChars("-_").ofMaxLength(Namespace.MAX_LENGTH - 1).map(rest -> first + rest));
  }

  @Provide
  Arbitrary<String> anyStrings() {
    return Identifiers.strings(20);
  }

  @Property(tries = 1000)
  void of_validName_isAccepted(@ForAll("validNames") String name) {
    assertThat(Namespace.of(name).name()).isEqualTo(name);
  }

  @Property(tries = 1000)
  void of_nameWithAnyCharacterOutsideTheAlphabet_isRejected(
      @ForAll("validNames") String valid, @ForAll("anyStrings") String hostile,
      @ForAll char bad) {
    Assume.that(!isAllowed(bad));
    String name = (valid + hostile + bad);
    String trimmed = name.length() > Namespace.MAX_LENGTH ? name.substring(0, 1) + bad : name;

    assertThatThrownBy(() -> Namespace.of(trimmed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace name");
  }

  @Property(tries = 1000)
  void of_anyString_isAcceptedExactlyWhenDocumentedValid(@ForAll("anyStrings") String name) {
    boolean documentedValid = name.length() <= Namespace.MAX_LENGTH
        && name.matches("[a-z0-9][a-z0-9_-]*");
    boolean accepted;
    try {
      accepted = Namespace.of(name).name().equals(name);
    } catch (IllegalArgumentException e) {
      accepted = false;
    }
    assertThat(accepted).isEqualTo(documentedValid);
  }

  @Property(tries = 200)
  void of_tooLongName_isRejectedNamingTheLimit(@ForAll("validNames") String valid) {
    String name = (valid + "x".repeat(Namespace.MAX_LENGTH)).substring(0, Namespace.MAX_LENGTH + 1);

    assertThatThrownBy(() -> Namespace.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Namespace.MAX_LENGTH));
  }

  private static boolean isAllowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
}
