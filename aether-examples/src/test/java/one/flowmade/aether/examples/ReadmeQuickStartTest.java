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
    assertThat(normalise(readmeSnippet("## Quick start")))
        .isEqualTo(normalise(markedRegion("QuickStart.java", "quickstart")));
  }

  @Test
  void readmeJetStreamQuickStart_isTheCodeOfTheJetStreamQuickStartExample() throws IOException {
    assertThat(normalise(readmeSnippet("## Quick start on NATS JetStream")))
        .isEqualTo(normalise(markedRegion("JetStreamQuickStart.java", "jetstream")));
  }

  /** The first Java block after a README heading. */
  static String readmeSnippet(String heading) throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int section = readme.indexOf("\n" + heading + "\n");
    assertThat(section).as("README section '%s'", heading).isNotNegative();
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** The lines between {@code README:<marker>:begin} and {@code README:<marker>:end}. */
  static String markedRegion(String file, String marker) throws IOException {
    String source = Files.readString(ROOT.resolve(
        "aether-examples/src/main/java/one/flowmade/aether/examples/quickstart/" + file));
    String begin = "README:" + marker + ":begin";
    String end = "README:" + marker + ":end";
    assertThat(source).contains(begin, end);
    return source.substring(source.indexOf('\n', source.indexOf(begin)) + 1,
        source.lastIndexOf('\n', source.indexOf(end)) + 1);
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
