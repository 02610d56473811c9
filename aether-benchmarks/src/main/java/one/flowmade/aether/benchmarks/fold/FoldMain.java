package one.flowmade.aether.benchmarks.fold;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The child JVM of the fold scenario: folds one actor and prints {@code RESULT <events> <wall ns>
 * <process CPU ns> <peak heap used> <peak live heap after GC>}. Arguments: {@code aether|raw},
 * the server URL, the namespace, the actor, the number of events expected.
 */
public final class FoldMain {

  private static volatile long peakUsed;
  private static volatile long peakLive;

  private FoldMain() {}

  /**
   * Runs the fold.
   *
   * @param args mode, URL, namespace, actor, expected events
   * @throws Exception if the fold fails
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    Namespace namespace = Namespace.of(args[2]);
    String actor = args[3];
    long expected = Long.parseLong(args[4]);
    Thread sampler = new Thread(FoldMain::sample, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try (Connection nc = Nats.connect(args[1])) {
      long cpu0 = cpu();
      long t0 = System.nanoTime();
      long count = "aether".equals(mode) ? aether(nc, namespace, actor)
          : raw(nc, SubjectLayout.actorEvents(namespace, actor), expected);
      long wall = System.nanoTime() - t0;
      long cpu = cpu() - cpu0;
      record();
      if (count != expected) {
        throw new IllegalStateException(mode + " folded " + count + " events, expected "
            + expected);
      }
      System.out.println("RESULT " + count + " " + wall + " " + cpu + " " + peakUsed + " "
          + peakLive);
    }
  }

  private static long aether(Connection nc, Namespace namespace, String actor) {
    try (JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      long[] folded = store.fold(actor, 1, new long[2], (acc, event) -> {
        acc[0]++;
        acc[1] += event.data().size();
        return acc;
      });
      return folded[0];
    }
  }

  private static long raw(Connection nc, String filter, long expected) throws Exception {
    JetStream js = nc.jetStream();
    JetStreamSubscription sub = js.subscribe(filter, PushSubscribeOptions.builder().ordered(true)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
        .build());
    long count = 0;
    long bytes = 0;
    try {
      while (count < expected) {
        Message m = sub.nextMessage(Duration.ofSeconds(10));
        if (m == null) {
          break;
        }
        count++;
        bytes += m.getData().length;
      }
    } finally {
      sub.unsubscribe();
    }
    return bytes >= 0 ? count : -1;
  }

  private static long cpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : 0;
  }

  private static void sample() {
    while (true) {
      record();
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static synchronized void record() {
    peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage()
        .getUsed());
    long live = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && afterGc != null) {
        live += afterGc.getUsed();
      }
    }
    peakLive = Math.max(peakLive, live);
  }
}
