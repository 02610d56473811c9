package one.flowmade.aether;

import java.util.Objects;

/**
 * A logical isolation boundary: each namespace has its own stream, subjects and keys, and two
 * different namespaces never share any of them.
 *
 * <p>A namespace name is validated, never sanitised: it is 1 to {@value #MAX_LENGTH} characters of
 * lower-case ASCII letters, digits, {@code '-'} and {@code '_'}, starting with a letter or a digit.
 * Anything else (dots, wildcards such as {@code *} and {@code >}, whitespace, upper case, which
 * would collide on case-insensitive file systems) is rejected with an {@link
 * IllegalArgumentException} that names the offending character, so two names can never be mapped
 * onto the same NATS stream, subject or key.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param name the validated name
 */
public record Namespace(String name) {

  /** The longest namespace name accepted. */
  public static final int MAX_LENGTH = 64;


  /**
   * Validates the name.
   *
   * @throws IllegalArgumentException if the name is not a valid namespace name
   * @throws NullPointerException if {@code name} is null
   */
  public Namespace {
    Objects.requireNonNull(name, "namespace name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("namespace name must not be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "namespace name is " + name.length() + " characters long; at most " + MAX_LENGTH
              + " are allowed");
    }
    if (!isValid(name)) {
      throw new IllegalArgumentException(describeInvalid(name));
    }
  }

  /**
   * Returns the namespace with the given name.
   *
   * @param name a valid namespace name
   * @return the namespace
   * @throws IllegalArgumentException if the name is not valid (see the class documentation)
   */
  public static Namespace of(String name) {
    return new Namespace(name);
  }

  // A loop rather than a regular expression: readers parse a namespace from every event's subject.
  private static boolean isValid(String name) {
    char first = name.charAt(0);
    if (!((first >= 'a' && first <= 'z') || (first >= '0' && first <= '9'))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static String describeInvalid(String name) {
    char first = name.charAt(0);
    if (first == '-' || first == '_') {
      return "namespace name '" + name + "' must start with a lower-case letter or a digit";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        String shown = Character.isISOControl(c) || Character.isWhitespace(c)
            ? String.format("U+%04X", (int) c)
            : "'" + c + "'";
        return "namespace name '" + name + "' contains " + shown + " at index " + i
            + "; only lower-case letters a-z, digits, '-' and '_' are allowed";
      }
    }
    return "namespace name '" + name + "' is not valid";
  }

  @Override
  public String toString() {
    return name;
  }
}
