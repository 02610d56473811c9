package one.flowmade.aether.benchmarks.fold;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;

/**
 * Appends one actor of {@code events} events (256 B of JSON each, in atomic batches of 1,000) to
 * a single {@code nats-server}, then folds it in a child JVM with {@code -Xmx64m}: {@code
 * EventStore.fold} against a raw ordered consumer on the actor's subjects, each in its own JVM.
 */
public final class FoldScenario {

  /** The actor's length in a full run. */
  public static final int FULL_EVENTS = 1_000_000;
  /** The actor's length with {@code --quick}. */
  public static final int QUICK_EVENTS = 3_000;
  static final String MAX_HEAP = "64m";

  private FoldScenario() {}

  /**
   * Runs the scenario and adds its section.
   *
   * @param report where the section goes
   * @param events the actor's length
   * @param natsServer the server binary, if not the test kit's default
   * @throws Exception if a side fails or runs out of memory
   */
  public static void run(Report report, int events, Optional<Path> natsServer)
      throws Exception {
    NatsServer.Builder builder = NatsServer.builder().name("fold");
    natsServer.ifPresent(builder::executable);
    Namespace namespace = Namespace.of("fold");
    String actor = "fold-1";
    try (NatsServer server = builder.start()) {
      System.out.println("-- fold: appending " + events + " events");
      long t0 = System.nanoTime();
      try (io.nats.client.Connection nc = server.connect();
          JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
        Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
        for (int v = 0; v < events; v += 1000) {
          List<NewEvent> batch = new ArrayList<>(1000);
          for (int i = 0; i < Math.min(1000, events - v); i++) {
            batch.add(Workload.newEvent(data));
          }
          store.append(actor, ExpectedVersion.exactly(v), batch);
        }
      }
      System.out.printf(Locale.ROOT, "-- fold: appended in %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      long[] raw = child("raw", server.url(), namespace, actor, events);
      long[] aether = child("aether", server.url(), namespace, actor, events);
      double mib = 1024.0 * 1024.0;
      Section section = report.add(new Section("Fold of one actor under -Xmx64m",
          "One actor of " + String.format(Locale.ROOT, "%,d", events) + " events (256 bytes of"
              + " JSON each) on a single `nats-server`, folded in a fresh JVM with `-Xmx" + MAX_HEAP
              + "` (default GC): Aether's `EventStore.fold` (batched direct gets, at most two"
              + " batches of 512 events held, every event decoded into an `Event`) against a raw"
              + " jnats ordered push consumer on the actor's subjects that counts the messages."
              + " One run each. CPU is the child JVM's process CPU time for the fold; its"
              + " difference per event is what reading an event through Aether costs on top of"
              + " receiving it (header parsing and `Event` construction)."));
      section.add(Comparison.of("fold events/s", "events/s", Better.HIGHER,
          aether[0] / (aether[1] / 1e9), raw[0] / (raw[1] / 1e9)));
      section.add(Comparison.of("client CPU per event", "µs", Better.LOWER,
          aether[2] / 1e3 / aether[0], raw[2] / 1e3 / raw[0])
          .withNote(String.format(Locale.ROOT, "difference %.2f µs per event",
              (aether[2] - raw[2]) / 1e3 / events)));
      section.add(Comparison.of("peak heap used", "MiB", Better.LOWER, aether[3] / mib,
          raw[3] / mib).withTarget(Target.valueAtMost(64)));
      section.add(Comparison.of("peak live heap after GC", "MiB", Better.LOWER,
          aether[4] / mib, raw[4] / mib));
    }
  }

  /** Runs one side in a child JVM; returns events, wall ns, CPU ns, peak used, peak live. */
  private static long[] child(String mode, String url, Namespace namespace, String actor,
      int events) throws Exception {
    System.out.println("-- fold: " + mode + " in -Xmx" + MAX_HEAP);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx" + MAX_HEAP, "-cp",
        System.getProperty("java.class.path"), FoldMain.class.getName(), mode, url,
        namespace.name(), actor, Integer.toString(events)).redirectErrorStream(true).start();
    List<String> output = new ArrayList<>();
    long[] result = null;
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("RESULT ")) {
          String[] f = line.split(" ");
          result = new long[5];
          for (int i = 0; i < 5; i++) {
            result[i] = Long.parseLong(f[i + 1]);
          }
        } else if (output.size() < 50) {
          output.add(line);
        }
      }
    }
    if (!p.waitFor(30, TimeUnit.MINUTES)) {
      p.destroyForcibly();
    }
    if (result == null || p.exitValue() != 0) {
      throw new IllegalStateException("the " + mode + " fold in -Xmx" + MAX_HEAP + " failed"
          + " (exit " + p.exitValue() + "): " + String.join("\n", output));
    }
    return result;
  }
}
