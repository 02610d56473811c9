package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;

/** Assertions that every store contract makes in the same way. Thread-safe (stateless). */
final class StoreAssertions {

  private StoreAssertions() {}

  /**
   * Asserts that a call on a closed store throws {@link IllegalStateException} saying so.
   *
   * @param call the call
   */
  static void assertClosed(Supplier<?> call) {
    assertThatThrownBy(call::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
