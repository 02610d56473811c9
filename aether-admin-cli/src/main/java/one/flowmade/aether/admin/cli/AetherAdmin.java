package one.flowmade.aether.admin.cli;

import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The {@code aether-admin} program: {@code provision}, {@code verify} and {@code config} for
 * Aether's namespaces on NATS, around {@code aether-admin}'s {@code Provisioner}, {@code
 * ServerConfiguration} and {@code NscCommands}; and {@code projections list}, {@code reset} and
 * {@code parked} on a namespace's KV checkpoint store, around {@code aether-projections}' {@code
 * Projections}.
 *
 * <pre>{@code
 * java -jar aether-admin-cli-<version>-cli.jar provision --namespace orders --replicas 3 \
 *     --server nats://nats:4222 --user orders-admin --password ... --apply
 * }</pre>
 *
 * <p>Exit codes, as {@code nats} and {@code nsc} users expect: {@value #OK} success (also for
 * {@code --help} and {@code --version}); {@value #FAILED} a check failed ({@code verify} found a
 * stream or bucket missing or different), or the server refused or did not answer; {@value
 * #USAGE} a usage error (an unknown option, a missing value, an invalid namespace, user or
 * cluster name, an unknown projection). Results go to the output stream; errors go to the error stream, one line each,
 * with a stack trace only under {@code --verbose}.
 *
 * <p>Thread-safe: each {@link #run} parses and runs its own command line.
 */
public final class AetherAdmin {

  /** Exit code: success. */
  public static final int OK = 0;

  /** Exit code: a check failed, or the server refused or did not answer. */
  public static final int FAILED = 1;

  /** Exit code: the command line was wrong. */
  public static final int USAGE = 2;

  private AetherAdmin() {}

  /**
   * Runs the command line and exits the JVM with its {@linkplain #run exit code}.
   *
   * @param args the command line, e.g. {@code verify --namespace orders}
   */
  public static void main(String[] args) {
    boolean verbose = verbose(args);
    // The runnable jar carries slf4j-simple: warnings only, on the error stream.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    Charset cs = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, cs), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, cs), true);
    int code = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs a command line without exiting the JVM. Blocks while the command talks to the server
   * (each request bounded by {@code --timeout}).
   *
   * @param out where the command's results go (the plan, the configuration, the help)
   * @param err where errors and warnings go
   * @param args the command line, e.g. {@code provision --namespace orders --apply}
   * @return the exit code: {@link #OK}, {@link #FAILED} or {@link #USAGE}
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(args, "args");
    CommandLine cl = new CommandLine(new AdminCommand(verbose(args)));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((e, ignored) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println("aether-admin: " + e.getMessage() + " (see '"
          + failed.getCommandSpec().qualifiedName() + " --help')");
      if (verbose(args)) {
        e.printStackTrace(failed.getErr());
      }
      failed.getErr().flush();
      return USAGE;
    });
    cl.setExecutionExceptionHandler((e, failed, parsed) -> {
      if (e instanceof CommandLine.ParameterException p) {
        return cl.getParameterExceptionHandler().handleParseException(p, args);
      }
      failed.getErr().println("aether-admin: " + message(e));
      if (verbose(args)) {
        e.printStackTrace(failed.getErr());
      }
      failed.getErr().flush();
      return e instanceof IllegalArgumentException ? USAGE : FAILED;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** Whether the stack traces are wanted; read from the raw line, which may not parse. */
  private static boolean verbose(String[] args) {
    return Arrays.asList(args).contains("--verbose");
  }
}
