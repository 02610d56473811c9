package one.flowmade.aether.testkit.nats;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code nats-server --config <file>} as a child process with {@link ProcessBuilder}, stdout
 * and stderr appended to a log file. Signals go to the pid of the process it started, never to a
 * process found by name.
 */
final class LocalServerRuntime extends AbstractServerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(LocalServerRuntime.class);
  private static final boolean WINDOWS = File.separatorChar == '\\';
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

  private final Path executable;
  private final Path configFile;
  private final Path logFile;
  private @Nullable Process process;

  /**
   * Creates the runtime and writes the configuration file; launches nothing.
   *
   * @param name the server name, for messages
   * @param executable the nats-server binary
   * @param directory the node's directory (created if missing)
   * @param config the configuration text
   */
  LocalServerRuntime(String name, Path executable, Path directory, String config) {
    super(name);
    this.executable = executable;
    this.configFile = directory.resolve("nats-server.conf");
    this.logFile = directory.resolve("nats-server.log");
    try {
      Files.createDirectories(directory);
      Files.writeString(configFile, config, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + configFile, e);
    }
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public synchronized void launch() {
    ensureOpen();
    if (isAlive()) {
      throw new IllegalStateException(name + " is already running");
    }
    ProcessBuilder builder =
        new ProcessBuilder(executable.toString(), "--config", configFile.toString())
            .directory(directoryOf(configFile).toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new NatsServerException("could not launch " + executable + " for " + name, e);
    }
    track();
    LOG.debug("launched {} as pid {}: {}", name, process.pid(), builder.command());
  }

  private static File nullDevice() {
    return new File(WINDOWS ? "NUL" : "/dev/null");
  }

  @Override
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public synchronized OptionalLong pid() {
    return isAlive() ? OptionalLong.of(started().pid()) : OptionalLong.empty();
  }

  @Override
  public synchronized void kill(Duration timeout) {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(timeout);
  }

  @Override
  public synchronized void terminate(Duration grace) {
    if (!isAlive()) {
      return;
    }
    started().destroy();
    try {
      if (started().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.warn("{} (pid {}) ignored SIGTERM for {}; killing it", name, started().pid(), grace);
    kill(SIGNAL_TIMEOUT);
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!started().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new NatsServerException(
            name + " (pid " + started().pid() + ") did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NatsServerException("interrupted while waiting for " + name + " to exit", e);
    }
  }

  @Override
  public synchronized void pause() {
    signal("STOP");
    awaitProcState(true);
  }

  @Override
  public synchronized void resume() {
    signal("CONT");
    awaitProcState(false);
  }

  private void signal(String signal) {
    if (WINDOWS) {
      throw new UnsupportedOperationException("SIG" + signal + " needs POSIX signals");
    }
    if (!isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    long pid = started().pid();
    // The shell's built-in kill exists wherever /bin/sh does, unlike a kill binary on PATH.
    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " \"$1\"", "sh", Long.toString(pid))
            .redirectErrorStream(true);
    try {
      Process kill = builder.start();
      if (!kill.waitFor(SIGNAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new NatsServerException("kill -" + signal + " " + pid + " did not finish");
      }
      String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (kill.exitValue() != 0) {
        throw new NatsServerException(
            "kill -" + signal + " " + pid + " failed (" + kill.exitValue() + "): " + output.strip());
      }
    } catch (IOException e) {
      throw new NatsServerException("could not run kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NatsServerException("interrupted while sending SIG" + signal + " to " + pid, e);
    }
  }

  /** The process of a launched server: only after {@link #isAlive()} said so, or launch. */
  private Process started() {
    return Objects.requireNonNull(process, "the server was launched");
  }

  private static Path directoryOf(Path file) {
    return Objects.requireNonNull(file.getParent(), "a file in a directory");
  }

  /** On Linux, waits until /proc says the process is (or is no longer) stopped. */
  private void awaitProcState(boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(started().pid()), "stat");
    if (!Files.isReadable(stat)) {
      return;
    }
    Poll.until(
        name + " to be " + (stopped ? "stopped" : "running again"),
        SIGNAL_TIMEOUT,
        () -> processState(stat).map(state -> (state == 'T') == stopped).orElse(true),
        () -> "");
  }

  private static Optional<Character> processState(Path stat) {
    try {
      String text = Files.readString(stat, StandardCharsets.UTF_8);
      // The state follows the command name, which is in parentheses and may contain spaces.
      int close = text.lastIndexOf(')');
      return close < 0 || close + 2 >= text.length()
          ? Optional.empty()
          : Optional.of(text.charAt(close + 2));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public long logMark() {
    try {
      return Files.size(logFile);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + logFile, e);
    }
  }

  @Override
  public String logSince(long mark) {
    try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
      long size = channel.size();
      if (mark >= size) {
        return "";
      }
      channel.position(mark);
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - mark));
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // Reads until the buffer is full or the file ends.
      }
      return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + logFile, e);
    }
  }

  @Override
  public synchronized String exitDescription() {
    if (process == null || process.isAlive()) {
      return "";
    }
    int code = process.exitValue();
    return code > 128 && !WINDOWS
        ? "was killed by signal " + (code - 128)
        : "exited with code " + code;
  }

  @Override
  void release() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit(SIGNAL_TIMEOUT);
    }
  }

  @Override
  public String toString() {
    return "nats-server " + name + " (" + List.of(executable, configFile) + ")";
  }
}
