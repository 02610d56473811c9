package one.flowmade.aether.verification.encoding;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Generators of hostile identifiers: any Unicode scalar values, weighted towards the characters
 * that mean something to NATS ({@code . * > $ _ =}), whitespace, controls and astral code points
 * that Java holds as surrogate pairs.
 */
final class Identifiers {

  private static final List<Integer> MEANINGFUL = "\u0000\t\n\r .*>$_=-/\\%\"'\u007f\u00a0\u200b\ufeff"
      .chars().boxed().toList();

  private Identifiers() {}

  /** Returns code points: every Unicode scalar value can appear, surrogates never alone. */
  static Arbitrary<Integer> codePoints() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(MEANINGFUL)),
        Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(2, Arbitraries.integers().between(0x80, 0xd7ff)),
        Tuple.of(1, Arbitraries.integers().between(0xe000, 0xffff)),
        Tuple.of(2, Arbitraries.integers().between(0x10000, 0x10ffff)));
  }

  /** Returns non-empty, well-formed strings of up to {@code maxCodePoints} code points. */
  static Arbitrary<String> strings(int maxCodePoints) {
    return codePoints().list().ofMinSize(1).ofMaxSize(maxCodePoints).map(Identifiers::of);
  }

  /** Returns valid namespace names, biased towards short ones that differ by one character. */
  static Arbitrary<String> namespaceNames() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'c').range('0', '1');
    Arbitrary<String> rest = Arbitraries.strings().withChars("ab01-_").ofMaxLength(5);
    Arbitrary<String> longRest = Arbitraries.strings().withCharRange('a', 'z').withChars("-_")
        .ofMaxLength(63);
    return Arbitraries.frequencyOf(
        Tuple.of(4, first.flatMap(c -> rest.map(r -> c + r))),
        Tuple.of(1, first.flatMap(c -> longRest.map(r -> c + r))));
  }

  static String of(List<Integer> codePoints) {
    StringBuilder out = new StringBuilder();
    codePoints.forEach(out::appendCodePoint);
    return out.toString();
  }
}
