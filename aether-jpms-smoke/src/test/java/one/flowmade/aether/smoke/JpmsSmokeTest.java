package one.flowmade.aether.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link Smoke} in a JVM with every Aether module and its dependencies on the module path
 * (surefire runs the rest of the build on the class path), so {@code module-info.java} is
 * exercised: a module that does not resolve, a missing {@code requires}, an export that is
 * missing or wider than {@code docs/architecture.md} says fails here.
 */
class JpmsSmokeTest {

  private static final Path ARCHITECTURE = Path.of("..", "docs", "architecture.md");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  private static List<String> output;

  @BeforeAll
  static void runSmokeOnTheModulePath() throws IOException, InterruptedException {
    String testClasses = Path.of("target", "test-classes").toAbsolutePath().toString();
    String modulePath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !Path.of(entry).toAbsolutePath().toString().equals(testClasses))
        .collect(Collectors.joining(File.pathSeparator));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "--module-path", modulePath,
        "--module", "one.flowmade.aether.smoke/one.flowmade.aether.smoke.Smoke")
        .redirectErrorStream(true)
        .start();
    byte[] bytes = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("smoke JVM finished").isTrue();
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("smoke JVM exit status; its output:%n%s", text).isZero();
    output = text.lines().collect(Collectors.toList());
  }

  @Test
  void everyModuleResolvesAndItsExportedApiWorks() {
    assertThat(output).contains("SMOKE OK", "STREAM AETHER_orders");
  }

  @Test
  void exportedPackages_areExactlyThoseDocsArchitectureListsForEachModule() throws IOException {
    Map<String, Set<String>> documented = new TreeMap<>();
    Map<String, Set<String>> documentedQualified = new TreeMap<>();
    for (String line : Files.readAllLines(ARCHITECTURE)) {
      String[] cells = line.split("\\|", -1);
      if (cells.length < 6 || !cells[2].contains("`one.flowmade.aether")) {
        continue;
      }
      String module = codeIn(cells[2]).get(0);
      documented.put(module, new TreeSet<>(codeIn(cells[3])));
      documentedQualified.put(module, new TreeSet<>(codeIn(cells[4])));
    }
    Map<String, Set<String>> exported = new TreeMap<>();
    Map<String, Set<String>> qualified = new TreeMap<>();
    for (String line : output) {
      String[] words = line.split(" ");
      if (words[0].equals("EXPORTS") || words[0].equals("QUALIFIED")) {
        Map<String, Set<String>> target = words[0].equals("EXPORTS") ? exported : qualified;
        target.computeIfAbsent(words[1], m -> new TreeSet<>()).add(words[2]);
        (words[0].equals("EXPORTS") ? qualified : exported).computeIfAbsent(words[1],
            m -> new TreeSet<>());
      }
    }
    assertThat(exported.keySet())
        .as("Aether modules on the module path vs the table in %s", ARCHITECTURE)
        .isEqualTo(documented.keySet());
    exported.forEach((module, packages) -> {
      assertThat(packages).as("packages %s exports to everyone (update %s when intended)",
          module, ARCHITECTURE).isEqualTo(documented.get(module));
      assertThat(qualified.get(module)).as("packages %s exports only to named modules", module)
          .isEqualTo(documentedQualified.get(module));
    });
  }

  private static List<String> codeIn(String cell) {
    List<String> names = new ArrayList<>();
    Matcher matcher = CODE.matcher(cell);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
