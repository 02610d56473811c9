package one.flowmade.aether.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar ({@code aether-admin-cli-<version>-cli.jar}, built by the shade plugin in
 * {@code package}) runs with {@code java -jar} alone: its dependencies (jnats, picocli, SLF4J)
 * are inside, it prints its help, and it provisions and verifies a namespace on a real server.
 */
final class ShadedJarIT {

  private record Run(int code, String out, String err) {}

  private static Run java(String... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("aether.cli.jar", "target/missing.jar"));
    assertThat(jar).as("the shaded jar (system property aether.cli.jar)").isRegularFile();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    try {
      // Both streams drained on their own threads, so the wait below bounds a jar that hangs.
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p, true));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p, false));
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -jar finished").isTrue();
      return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS),
          err.get(10, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("could not read the jar's output", e);
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(Process p, boolean out) {
    try {
      return new String((out ? p.getInputStream() : p.getErrorStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theJarRuns_helpVersionAndAUsageError() throws Exception {
    Run help = java("--help");
    assertThat(help.code()).as(help.toString()).isZero();
    assertThat(help.out()).contains("Usage: aether-admin", "provision", "verify", "config");
    Run version = java("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("aether-admin 0.");
    Run bad = java("verify", "--namespace", "Bad");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("namespace name 'Bad'").hasLineCount(1);
    Run config = java("config", "-n", "orders", "--user", "orders:orders-app:application:s");
    assertThat(config.code()).as(config.toString()).isZero();
    assertThat(config.err()).as("no SLF4J or other noise on stderr").isEmpty();
    assertThat(config.out()).contains("\"orders\": {");
  }

  @Test
  void theJarProvisionsAndVerifiesOnARealServer() throws Exception {
    try (NatsServer server = NatsServer.builder()
        .config(ProvisionCommandIT.accounts(List.of("jar"))).start()) {
      String[] login = {"--namespace", "jar", "--server", server.url(), "--user", "jar-admin",
          "--password", "admin-secret"};
      Run missing = java(concat("verify", login));
      assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
      assertThat(missing.out()).contains("MISSING  event stream AETHER_jar\n");
      Run applied = java(concat("provision", login, "--apply"));
      assertThat(applied.code()).as(applied.toString()).isZero();
      assertThat(applied.out()).contains("created   event stream AETHER_jar\n");
      assertThat(applied.err()).isEmpty();
      Run verified = java(concat("verify", login));
      assertThat(verified.code()).as(verified.toString()).isZero();
    }
  }

  private static String[] concat(String command, String[] login, String... more) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(login));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
