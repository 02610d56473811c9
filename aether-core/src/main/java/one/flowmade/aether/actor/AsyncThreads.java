package one.flowmade.aether.actor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor of {@link ActorRepository}'s async methods: shared, daemon threads named
 * {@code aether-actor-async-<n>}, created as needed; idle threads end after 60 s.
 */
final class AsyncThreads {

  static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(new ThreadFactory() {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable runnable) {
      Thread thread = new Thread(runnable, "aether-actor-async-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  });

  private AsyncThreads() {}
}
