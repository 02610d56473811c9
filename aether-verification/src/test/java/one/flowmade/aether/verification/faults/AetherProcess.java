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
 * One incarnation of a {@link WorkloadNode} as an OS process on this test's class path, with its
 * output in a file beside its history log. Not thread-safe; the test drives it from one thread.
 */
final class AetherProcess {

  private final WorkloadConfig config;
  private final Process process;
  private boolean paused;

  private AetherProcess(WorkloadConfig config, Process process) {
    this.config = config;
    this.process = process;
  }

  static AetherProcess start(WorkloadConfig config) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-Dorg.slf4j.simpleLogger.showDateTime=true",
        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
        "-cp", classPath, WorkloadNode.class.getName()));
    command.addAll(config.toArguments());
    Path out = config.log().resolveSibling(config.process() + ".out");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      return new AetherProcess(config, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + config.process(), e);
    }
  }

  WorkloadConfig config() {
    return config;
  }

  String label() {
    return config.process();
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
