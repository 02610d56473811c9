package one.flowmade.aether.testkit.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A private PostgreSQL server for one test class: {@code initdb} into a temporary directory, then
 * {@code pg_ctl start} on a free port with its socket in that directory; {@link #close()} stops it
 * and deletes the directory. Run as root (as CI does), the server runs as the {@code postgres}
 * user through {@code runuser}; otherwise as the current user.
 *
 * <p>The binaries are found in {@code $aether_postgres_bin} if set, else in the newest {@code
 * /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package; {@code
 * scripts/install-postgresql.sh} installs it). Authentication is {@code trust} for user {@code
 * postgres} on 127.0.0.1 only. {@link #start()} runs with {@code fsync=off} (fast, not
 * crash-safe, right for tests); {@link #startDurable()} keeps PostgreSQL's default {@code
 * fsync=on}, for benchmarks that compare durable writes. No Docker fallback: where no binary
 * exists, {@link #start()} fails and says how to get one.
 *
 * <p>{@link #stop()} and {@link #restart()} take the database away and bring it back on the same
 * port and data, for fault tests. Thread-safe; the lifecycle methods block until {@code pg_ctl}
 * returns (a minute at most).
 */
public final class PostgresServer implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final int port;
  private final boolean root;
  private final boolean fsync;

  private PostgresServer(Path bin, Path dir, int port, boolean root, boolean fsync) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.root = root;
    this.fsync = fsync;
  }

  /**
   * Initialises and starts a new server.
   *
   * @return the running server
   * @throws IllegalStateException if no PostgreSQL binaries are found or the server does not
   *     start (the message holds the server's log)
   */
  public static PostgresServer start() {
    return start(false);
  }

  /**
   * Initialises and starts a new server that flushes its write-ahead log to disk ({@code
   * fsync=on}, PostgreSQL's default), so a commit with {@code synchronous_commit=on} is on disk
   * when it returns. Slower than {@link #start()}; for benchmarks that compare at a stated
   * durability.
   *
   * @return the running server
   * @throws IllegalStateException if no PostgreSQL binaries are found or the server does not
   *     start (the message holds the server's log)
   */
  public static PostgresServer startDurable() {
    return start(true);
  }

  private static PostgresServer start(boolean fsync) {
    Path bin = locate();
    boolean root = "root".equals(System.getProperty("user.name"));
    try {
      Path dir = Files.createTempDirectory("aether-pg-");
      PostgresServer server = new PostgresServer(bin, dir, freePort(), root, fsync);
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()), "chown");
      }
      server.pg(List.of(bin.resolve("initdb").toString(), "-D", server.data.toString(),
          "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"), "initdb");
      server.startServer();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a directory for PostgreSQL", e);
    }
  }

  private static Path locate() {
    String env = System.getenv("aether_postgres_bin");
    if (env != null && !env.isBlank()) {
      Path p = Paths.get(env);
      if (Files.isExecutable(p.resolve("postgres"))) {
        return p;
      }
      throw new IllegalStateException("$aether_postgres_bin is " + env + " but holds no"
          + " executable 'postgres'");
    }
    Path base = Paths.get("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        Optional<Path> found = versions.map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("postgres")))
            .max(Comparator.comparing(PostgresServer::major));
        if (found.isPresent()) {
          return found.get();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no PostgreSQL server binaries found: tried $aether_postgres_bin"
        + " (not set) and /usr/lib/postgresql/<version>/bin/postgres. Run"
        + " scripts/install-postgresql.sh in the Aether checkout (it installs Debian's postgresql"
        + " package), or set aether_postgres_bin to a directory holding postgres, initdb and pg_ctl");
  }

  private static int major(Path bin) {
    try {
      // bin is <base>/<version>/bin (see locate), so it has a parent.
      return Integer.parseInt(Objects.requireNonNull(bin.getParent()).getFileName().toString());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void startServer() {
    pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync="
            + (fsync ? "on" : "off"), "start"),
        "pg_ctl start");
  }

  private void pg(List<String> command, String what) {
    List<String> full = new ArrayList<>();
    if (root) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    run(full, what);
  }

  private static void run(List<String> command, String what) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + TIMEOUT);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "): "
            + new String(out, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + what, e);
    }
  }

  /**
   * Returns the port the server listens on (127.0.0.1).
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * Returns the JDBC URL of the {@code postgres} database.
   *
   * @return the URL
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /**
   * Returns the user to connect as (trusted, no password).
   *
   * @return {@code postgres}
   */
  public String user() {
    return "postgres";
  }

  /**
   * Returns a new unpooled data source for the {@code postgres} database.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl());
    ds.setUser(user());
    ds.setConnectTimeout(5);
    ds.setSocketTimeout(30);
    return ds;
  }

  /**
   * Returns the server's process id, read from {@code postmaster.pid}.
   *
   * @return the pid, empty when the server is not running
   */
  public Optional<Long> pid() {
    try {
      List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Stops the server (fast shutdown), keeping its data; {@link #restart()} brings it back. */
  public synchronized void stop() {
    if (pid().isEmpty()) {
      return;
    }
    try {
      pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w",
          "stop"), "pg_ctl stop");
    } catch (IllegalStateException e) {
      pid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Starts a stopped server again on the same port and data. */
  public synchronized void restart() {
    stop();
    startServer();
  }

  /** Stops the server and deletes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // the directory is gone already, or a temp cleaner will take it
    }
  }
}
