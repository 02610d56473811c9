package one.flowmade.aether.benchmarks.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another program's {@code main} in this JVM while reporting the heap on stdout like {@link
 * ClusterNodeMain} ({@code HEAP <peak used bytes> <peak live bytes after GC>} every 200 ms), so the
 * suite can measure the example cluster node under {@code -Xmx64m} without changing it.
 *
 * <pre>
 *   java -Xmx64m -cp aether-benchmarks.jar one.flowmade.aether.benchmarks.cluster.HeapProbe \
 *       one.flowmade.aether.examples.cluster.ClusterNodeMain --node node-1 --nats URL
 * </pre>
 */
public final class HeapProbe {

  private HeapProbe() {}

  /**
   * Runs the program.
   *
   * @param args the main class, then its arguments
   * @throws Exception if it cannot be started or fails
   */
  public static void main(String[] args) throws Exception {
    ClusterNodeMain.startHeapReporter();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
