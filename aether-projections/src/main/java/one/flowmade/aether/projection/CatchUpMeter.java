package one.flowmade.aether.projection;

import static one.flowmade.aether.projection.ProjectionRuntime.LOG;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Measures how fast a projection applies events (over the last 10 to 20 seconds) and, while it
 * catches up, logs its progress at INFO at a bounded rate: every 10 seconds or every tenth of
 * the events that were behind at start, whichever comes first, and once when it goes live.
 * Thread-safe: recorded by the projection's thread, read by any.
 */
final class CatchUpMeter {
  private static final long WINDOW_NANOS = Duration.ofSeconds(10).toNanos();
  private static final long LOG_NANOS = Duration.ofSeconds(10).toNanos();

  private String key = "";
  private LongSupplier lastPosition = () -> -1;
  private long count;
  private long windowNanos = System.nanoTime();
  private long windowCount;
  private long baseNanos = windowNanos;
  private long baseCount;
  private long startNanos = windowNanos;
  private long startCount;
  private long startPosition;
  private long behindAtStart;
  private long lastLogNanos = windowNanos;
  private int loggedTenths;
  private boolean catchingUp;

  /** Starts measuring a catch-up from {@code position} with the namespace ending at {@code last}. */
  synchronized void begin(String key, LongSupplier lastPosition, long position, long last) {
    this.key = key;
    this.lastPosition = lastPosition;
    long now = System.nanoTime();
    windowNanos = baseNanos = startNanos = lastLogNanos = now;
    windowCount = baseCount = startCount = count;
    startPosition = position;
    behindAtStart = Math.max(0, last - position);
    loggedTenths = 0;
    catchingUp = true;
  }

  /** Records that {@code events} more were applied, the last at {@code position}. */
  void record(int events, long position) {
    boolean log = false;
    synchronized (this) {
      count += events;
      long now = System.nanoTime();
      if (now - windowNanos >= WINDOW_NANOS) {
        baseNanos = windowNanos;
        baseCount = windowCount;
        windowNanos = now;
        windowCount = count;
      }
      if (catchingUp && behindAtStart > 0) {
        int tenths = (int) Math.min(10, 10 * (position - startPosition) / behindAtStart);
        if (now - lastLogNanos >= LOG_NANOS || tenths > loggedTenths) {
          lastLogNanos = now;
          loggedTenths = Math.max(loggedTenths, tenths);
          log = true;
        }
      }
    }
    if (log) {
      logProgress(position);
    }
  }

  private void logProgress(long position) {
    long left;
    try {
      left = Math.max(0, lastPosition.getAsLong() - position);
    } catch (RuntimeException e) {
      left = -1;
    }
    double rate = eventsPerSecond();
    LOG.info("projection {} catching up: position {}, {} events left, {} events/s, ETA {}", key,
        position, left < 0 ? "?" : Long.toString(left), Math.round(rate),
        left < 0 ? "unknown" : eta(left, rate).map(CatchUpMeter::format).orElse("unknown"));
  }

  /** The catch-up ended: logs how long it took. */
  void live(long position) {
    long events;
    long nanos;
    synchronized (this) {
      if (!catchingUp) {
        return;
      }
      catchingUp = false;
      events = count - startCount;
      nanos = System.nanoTime() - startNanos;
    }
    LOG.info("projection {} caught up at position {}: {} events in {} ({} events/s)", key,
        position, events, format(Duration.ofNanos(nanos)),
        nanos == 0 ? 0 : Math.round(events * 1e9 / nanos));
  }

  /** Returns the events applied per second over the last 10 to 20 seconds. */
  synchronized double eventsPerSecond() {
    long elapsed = System.nanoTime() - baseNanos;
    return elapsed <= 0 ? 0 : (count - baseCount) * 1e9 / elapsed;
  }

  /** Returns how long {@code left} events take at {@code rate}; empty if the rate is zero. */
  static Optional<Duration> eta(long left, double rate) {
    if (left <= 0) {
      return Optional.of(Duration.ZERO);
    }
    if (rate <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) Math.ceil(left * 1000 / rate)));
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 60 ? s / 60 + " min " + s % 60 + " s" : d.toMillis() + " ms";
  }
}
