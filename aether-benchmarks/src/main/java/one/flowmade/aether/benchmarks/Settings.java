package one.flowmade.aether.benchmarks;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The suite's command line.
 *
 * <pre>
 *   --report PATH        Markdown document to write the report into (default target/benchmarks.md;
 *                        the documented command passes docs/benchmarks.md)
 *   --quick              tiny sizes and JMH settings: checks that the harness works, in seconds;
 *                        its figures mean nothing
 *   --only PART,...      run only these parts (jmh, ring, r1, r3, cluster, postgres, fold, actors)
 *   --skip PART,...      run every part but these
 *   --nats-server PATH   the nats-server binary (default: $nats_server_path, PATH, the project
 *                        cache that scripts/install-nats-server.sh fills)
 * </pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param report the document to write
 * @param quick whether to use the smoke-test sizes
 * @param parts the parts to run
 * @param natsServer the nats-server binary, if given
 */
public record Settings(Path report, boolean quick, Set<Part> parts, Optional<Path> natsServer) {

  /** The options, as {@code --help} prints them. */
  public static final String USAGE = String.join("\n",
      "java -jar aether-benchmarks.jar [options]",
      "  --report PATH        Markdown document to write the report into"
          + " (default target/benchmarks.md)",
      "  --quick              smoke-test sizes: checks the harness; figures mean nothing",
      "  --only PART,...      run only these parts: jmh, ring, r1, r3, cluster, postgres, fold, actors,"
          + " projections",
      "  --skip PART,...      run every part but these",
      "  --nats-server PATH   the nats-server binary");

  /** The report written when {@code --report} is not given. */
  public static final Path DEFAULT_REPORT = Path.of("target", "benchmarks.md");

  /**
   * Copies the set of parts.
   */
  public Settings {
    parts = Set.copyOf(parts);
  }

  /**
   * Parses the command line.
   *
   * @param args the arguments
   * @return the settings
   * @throws IllegalArgumentException on an unknown or incomplete option
   */
  public static Settings parse(String... args) {
    Path report = DEFAULT_REPORT;
    boolean quick = false;
    Set<Part> parts = EnumSet.allOf(Part.class);
    Path natsServer = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--report" -> report = Path.of(value(args, ++i, arg));
        case "--quick" -> quick = true;
        case "--only" -> {
          parts = EnumSet.noneOf(Part.class);
          for (String name : value(args, ++i, arg).split(",")) {
            parts.add(Part.named(name));
          }
        }
        case "--skip" -> {
          for (String name : value(args, ++i, arg).split(",")) {
            parts.remove(Part.named(name));
          }
        }
        case "--nats-server" -> natsServer = Path.of(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'; use --report"
            + " PATH, --quick, --only PART,..., --skip PART,..., --nats-server PATH");
      }
    }
    return new Settings(report, quick, parts, Optional.ofNullable(natsServer));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  /**
   * Returns whether a part is to run.
   *
   * @param part the part
   * @return true if selected
   */
  public boolean runs(Part part) {
    return parts.contains(part);
  }
}
