package one.flowmade.aether.verification.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.verification.workload.WorkloadConfig;
import one.flowmade.aether.verification.workload.WorkloadNode;

/**
 * One incarnation of a node of a run ({@link WorkloadNode}, or another main class on this test's
 * class path) as an OS process, with its output in a file beside its history log. Not
 * thread-safe; the test drives it from one thread.
 */
final class AetherProcess {

  private final String label;
  private final Process process;
  private boolean paused;

  private AetherProcess(String label, Process process) {
    this.label = label;
    this.process = process;
  }

  static AetherProcess start(WorkloadConfig config) {
    return start(config.process(), config.log().resolveSibling(config.process() + ".out"),
        WorkloadNode.class, config.toArguments());
  }

  /**
   * Starts {@code main} with {@code arguments} in a JVM of its own, its output in {@code out}.
   *
   * @param label the process's label in the history, such as {@code p1#2}
   * @param out the file for its standard output and error
   * @param main the class whose {@code main} to run
   * @param arguments its arguments
   * @return the started process
   */
  static AetherProcess start(String label, Path out, Class<?> main, List<String> arguments) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp", classPath, main.getName()));
    command.addAll(arguments);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      return new AetherProcess(label, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + label, e);
    }
  }

  String label() {
    return label;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, as a crash: operations in flight stay unknown. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    paused = false;
  }

  /** SIGSTOP: the process holds its connections but does nothing, like a long GC pause. */
  void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT. */
  void resume() {
    if (paused) {
      signal("CONT");
      paused = false;
    }
  }

  /** SIGTERM, then waits for the node to leave the cluster and close its log; SIGKILL if not. */
  boolean terminate() throws InterruptedException {
    resume();
    process.destroy();
    if (process.waitFor(60, TimeUnit.SECONDS)) {
      return true;
    }
    kill();
    return false;
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send SIG" + name + " to " + label(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling " + label(), e);
    }
  }
}
