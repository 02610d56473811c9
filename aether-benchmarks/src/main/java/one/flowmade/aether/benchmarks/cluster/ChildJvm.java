package one.flowmade.aether.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A JVM the suite starts with its own class path to run one {@code main} class, talking to it in
 * lines: the child reports on stdout ({@link #say(String)} on its side), the parent may send it
 * lines on stdin ({@link #send(String)}); closing stdin asks the child to leave. Every line the
 * child prints goes to the parent's listener on a reader thread; lines the listener does not
 * claim are kept (the first 200) for error messages.
 *
 * <p>Thread-safe. {@link #close()} kills the child (SIGKILL) and is idempotent.
 */
public final class ChildJvm implements AutoCloseable {

  /** What the parent does with the child's lines. */
  @FunctionalInterface
  public interface Lines {
    /**
     * Handles one line; called on the reader thread, in order.
     *
     * @param line the line, without its end
     * @return true if the line was understood; false keeps it for {@link #output()}
     */
    boolean handle(String line);
  }

  private final String name;
  private final Process process;
  private final Lines lines;
  private final List<String> log = new ArrayList<>();

  private ChildJvm(String name, Process process, Lines lines) {
    this.name = name;
    this.process = process;
    this.lines = lines;
    Thread reader = new Thread(this::read, "child-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} with {@code args} in a new JVM with this JVM's {@code java} and class
   * path.
   *
   * @param name what the parent calls the child (its reader thread and error messages)
   * @param jvmOptions options such as {@code -Xmx64m}
   * @param lines handles the child's lines
   * @param mainClass the class whose {@code main} runs
   * @param args its arguments
   * @return the running child
   * @throws IOException if the JVM cannot be started
   */
  public static ChildJvm start(String name, List<String> jvmOptions, Lines lines,
      String mainClass, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildJvm(name, p, lines);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (!lines.handle(line)) {
          synchronized (log) {
            if (log.size() < 200) {
              log.add(line);
            }
          }
        }
      }
    } catch (IOException e) {
      // The process was killed.
    }
  }

  /**
   * Sends the child one line on its stdin.
   *
   * @param line the line, without its end
   * @throws IOException if the child's stdin is closed (it died)
   */
  public synchronized void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /**
   * Returns the child's name.
   *
   * @return the name given to {@link #start}
   */
  public String name() {
    return name;
  }

  /**
   * Returns the lines the listener did not claim, the first 200.
   *
   * @return them, joined by newlines
   */
  public String output() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  /**
   * Returns whether the child runs.
   *
   * @return true while the process is alive
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills the JVM with SIGKILL, as a crash would, and waits until it is gone.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * Stops the JVM with SIGTERM, as a rolling deploy would (its shutdown hooks run), and waits
   * until it is gone.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void terminate() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  /**
   * On the child's side: prints one line for the parent and flushes it. Lines of concurrent
   * callers never interleave.
   *
   * @param line the line
   */
  public static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /**
   * On the child's side: reads stdin until the parent closes it, handing each line to {@code
   * commands} (on the calling thread, in order).
   *
   * @param commands handles each line
   * @throws IOException if stdin cannot be read
   */
  public static void readCommands(Consumer<String> commands) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      commands.accept(line);
    }
  }
}
