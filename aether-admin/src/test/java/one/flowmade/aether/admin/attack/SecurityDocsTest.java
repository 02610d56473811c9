package one.flowmade.aether.admin.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.NscCommands;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/security.md} cannot drift from the generator or the attack suite: the configuration
 * and {@code nsc} commands it shows for two namespaces are the generator's output, verbatim, its
 * several-namespaces snippet is the example's code, and its per-vector table has one row for each
 * vector of {@link IsolationAttacks}. On a mismatch the
 * generator's output is written to {@code target/security-docs/} to paste into the page.
 */
final class SecurityDocsTest {

  private static final Path DOC = Path.of("..", "docs", "security.md");

  /** The two namespaces the page shows: orders-eu lets orders read its events. */
  static ServerConfiguration documented() {
    NamespaceAccount orders = NamespaceAccount.builder(Namespace.of("orders"))
        .maxStorage(10L << 30).maxMemory(256L << 20).maxStreams(10).maxConsumers(1000)
        .user("orders-app", "$2a$11$REPLACE.WITH.THE.BCRYPT.HASH.OF.orders-app", Role.APPLICATION)
        .user("orders-admin", "$2a$11$REPLACE.WITH.THE.BCRYPT.HASH.OF.orders-admin",
            Role.PROVISIONING)
        .build();
    NamespaceAccount ordersEu = NamespaceAccount.builder(Namespace.of("orders-eu"))
        .maxStorage(10L << 30).maxMemory(256L << 20).maxStreams(10).maxConsumers(1000)
        .user("orders-eu-app", "$2a$11$REPLACE.WITH.THE.BCRYPT.HASH.OF.orders-eu-app",
            Role.APPLICATION)
        .user("orders-eu-admin", "$2a$11$REPLACE.WITH.THE.BCRYPT.HASH.OF.orders-eu-admin",
            Role.PROVISIONING)
        .readableBy(Namespace.of("orders"))
        .build();
    return ServerConfiguration.builder().account(orders).account(ordersEu)
        .storeDir("/data/jetstream").build();
  }

  private static String doc() throws IOException {
    return Files.readString(DOC, StandardCharsets.UTF_8);
  }

  private static void expectIn(String doc, String file, String generated) throws IOException {
    if (!doc.contains(generated)) {
      Path out = Path.of("target", "security-docs", file);
      Files.createDirectories(out.getParent());
      Files.writeString(out, generated, StandardCharsets.UTF_8);
    }
    assertThat(doc).as("docs/security.md shows the generator's output (now in target/"
        + "security-docs/" + file + ")").contains(generated);
  }

  @Test
  void theConfigurationOnThePageIsTheGeneratorsOutput() throws IOException {
    expectIn(doc(), "two-namespaces.conf", "```\n" + documented().render() + "```\n");
  }

  @Test
  void theNscCommandsOnThePageAreTheGeneratorsOutput() throws IOException {
    expectIn(doc(), "two-namespaces-nsc.sh",
        "```sh\n" + NscCommands.render(documented()) + "```\n");
  }

  @Test
  void theSeveralNamespacesSnippetIsTheExamplesCode() throws IOException {
    String example = Files.readString(Path.of("..", "aether-examples", "src", "main", "java",
        "one", "flowmade", "aether", "examples", "security", "SeveralNamespaces.java"),
        StandardCharsets.UTF_8);

    assertThat(doc()).contains("```java\n" + region(example, "connect") + "\n"
        + region(example, "several-namespaces") + "```\n");
  }

  /** The lines between {@code // security:<marker>:begin} and {@code :end}, unindented. */
  private static String region(String source, String marker) {
    int begin = source.indexOf('\n', source.indexOf("// security:" + marker + ":begin")) + 1;
    int end = source.lastIndexOf('\n', source.indexOf("// security:" + marker + ":end"));
    return source.substring(begin, end).stripIndent() + "\n";
  }

  /**
   * The vector table has exactly one row per vector, and no row that is not a vector: the vectors
   * common to both modes are in {@link IsolationAttacks}, the push-consumer vectors in each mode's
   * class (their assertions differ), under the same display names.
   */
  @Test
  void thePageHasOneRowForEveryAttackVectorAndNoOther() throws IOException {
    Set<String> vectors = new TreeSet<>();
    List<String> perMode = new ArrayList<>();
    for (Class<?> c : List.of(IsolationAttacks.class, AccountPerNamespaceAttackTest.class,
        SharedAccountAttackTest.class)) {
      for (Method m : c.getDeclaredMethods()) {
        DisplayName name = m.getAnnotation(DisplayName.class);
        if (name != null) {
          vectors.add(name.value());
          if (c != IsolationAttacks.class) {
            perMode.add(c.getSimpleName() + ": " + name.value());
          }
        }
      }
    }
    List<String> rows = new ArrayList<>();
    for (String line : doc().split("\n")) {
      if (line.startsWith("| read: ") || line.startsWith("| write: ")) {
        rows.add(line.substring(2, line.indexOf(" |", 2)));
      }
    }

    assertThat(vectors).hasSize(28);
    assertThat(perMode).as("the push-consumer vectors, in both modes").hasSize(4);
    assertThat(rows).as("the rows of docs/security.md's vector table")
        .containsExactlyInAnyOrderElementsOf(vectors);
  }
}
