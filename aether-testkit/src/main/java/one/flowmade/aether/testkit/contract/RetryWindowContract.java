package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of retried appends over time, as a JUnit 5 suite every {@link EventStore}
 * implementation extends (beside {@link EventStoreContract}): implement {@link
 * #createStore(Namespace, Duration)} to return a store whose duplicate window is the given one.
 *
 * <h2>The semantics, one for every store</h2>
 * A retry is an append with the same event ids as an earlier one (after a timeout, say).
 * <ul>
 *   <li>With an <b>exact expected version</b> ({@code exactly(n)}, {@code noStream()}) a retry
 *       is recognised for as long as the original events are stored right after version {@code
 *       n}: it stores nothing and returns the original result, however long ago the original
 *       was stored. (The version check alone already stops a second copy.)
 *   <li>With <b>{@code any()}</b> a retry is recognised only within the store's <em>duplicate
 *       window</em> (the JetStream stream's {@code duplicate_window}, 2 minutes by default; the
 *       in-memory store keeps the same window): within it, nothing is stored and the original
 *       result returned; after it the ids are forgotten and the events are <b>stored again</b>.
 *       So retry {@code any()} appends only within the window, or use exact expected versions or
 *       command ids ({@code one.flowmade.aether.actor.CommandIds}) for idempotency beyond it.
 * </ul>
 *
 * <p>The suite needs stores with a short window (it asks for 1 second) and waits, bounded by
 * {@link #timeout()}, until the window has passed.
 */
public abstract class RetryWindowContract {

  /** For subclasses: one per implementation under test. */
  protected RetryWindowContract() {}

  private static final Duration WINDOW = Duration.ofSeconds(1);

  private final TestScope scope = new TestScope("w");
  private EventStore store;

  /**
   * Creates a store of a namespace whose duplicate window is {@code duplicateWindow}. The suite
   * closes it after the test.
   *
   * @param namespace the namespace, unique to the running test
   * @param duplicateWindow how long the store recognises event ids of {@code any()} appends
   * @return an open store
   */
  protected abstract EventStore createStore(Namespace namespace, Duration duplicateWindow);

  /**
   * Returns how long the suite waits at most for the window to pass.
   *
   * @return the bound; 30 seconds unless overridden
   */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  @BeforeEach
  final void openStore() {
    scope.begin();
    store = scope.open(scope.namespace("retry"), ns -> createStore(ns, WINDOW),
        EventStore::namespace);
  }

  @AfterEach
  final void closeResources() throws Exception {
    scope.end();
  }

  @Test
  public void retryWithAnyExpectation_withinTheWindow_storesNothingAndReturnsTheOriginal() {
    List<NewEvent> events = events(2);
    AppendResult original = store.append("a", ExpectedVersion.any(), events);

    AppendResult retry = store.append("a", ExpectedVersion.any(), events);

    assertThat(retry).isEqualTo(original);
    assertThat(store.latestVersion("a")).isEqualTo(2);
  }

  @Test
  public void retryWithAnyExpectation_afterTheWindow_isStoredAgain() {
    List<NewEvent> events = events(1);
    AppendResult original = store.append("a", ExpectedVersion.any(), events);
    AtomicReference<AppendResult> retry = new AtomicReference<>();

    // Every retry within the window stores nothing; the first one after it stores the events.
    Awaitility.await().atMost(timeout()).pollInterval(Duration.ofMillis(200)).until(() -> {
      AppendResult again = store.append("a", ExpectedVersion.any(), events);
      retry.set(again);
      return !again.equals(original);
    });

    assertThat(retry.get()).isNotNull().extracting(AppendResult::firstVersion).isEqualTo(2L);
    assertThat(store.latestVersion("a")).isEqualTo(2);
  }

  @Test
  public void retryWithExactExpectation_afterTheWindow_storesNothingAndReturnsTheOriginal() {
    List<NewEvent> events = events(2);
    AppendResult original = store.append("a", ExpectedVersion.noStream(), events);
    store.append("a", ExpectedVersion.exactly(2), events(1));
    waitOutTheWindow();

    AppendResult retry = store.append("a", ExpectedVersion.noStream(), events);
    AppendResult next = store.append("a", ExpectedVersion.exactly(3), events(1));

    assertThat(retry).isEqualTo(original);
    assertThat(next.firstVersion()).isEqualTo(4);
    assertThat(store.latestVersion("a")).isEqualTo(4);
  }

  /** Waits until an {@code any()} probe on another actor shows the window has passed. */
  private void waitOutTheWindow() {
    List<NewEvent> probe = events(1);
    AppendResult first = store.append("probe", ExpectedVersion.any(), probe);
    Awaitility.await().atMost(timeout()).pollInterval(Duration.ofMillis(200))
        .until(() -> !store.append("probe", ExpectedVersion.any(), probe).equals(first));
  }

  private static List<NewEvent> events(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}")))
        .toList();
  }
}
