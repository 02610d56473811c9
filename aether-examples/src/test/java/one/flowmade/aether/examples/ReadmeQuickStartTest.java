package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import one.flowmade.aether.examples.quickstart.QuickStart;
import org.junit.jupiter.api.Test;

final class ReadmeQuickStartTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void readmeQuickStart_isTheCodeOfTheQuickStartExample() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int section = readme.indexOf("## Quick start");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    String fromReadme = readme.substring(start, readme.indexOf("```", start));

    String source = Files.readString(ROOT.resolve(
        "aether-examples/src/main/java/one/flowmade/aether/examples/quickstart/QuickStart.java"));
    String marked = source.substring(
        source.indexOf('\n', source.indexOf("README:quickstart:begin")) + 1,
        source.lastIndexOf('\n', source.indexOf("README:quickstart:end")) + 1);

    assertThat(normalise(fromReadme)).isEqualTo(normalise(marked));
  }

  @Test
  void quickStart_printsTheStoredEventsAndTheRefusedAppend() {
    String output = capture(() -> QuickStart.main(new String[0]));

    assertThat(output.lines()).containsExactly(
        "1 order.placed {\"total\":42}",
        "2 order.paid {}",
        "refused: version conflict on actor 'order-1': expected exactly 1, actual version 2");
  }

  static String capture(Runnable program) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      program.run();
    } finally {
      System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static List<String> normalise(String code) {
    List<String> lines = Arrays.asList(code.split("\n"));
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent))
        .collect(Collectors.toList());
  }
}
