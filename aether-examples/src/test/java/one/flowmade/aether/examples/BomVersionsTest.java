package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The BOM users import names the versions the build itself uses: the two POMs cannot share a
 * property (a BOM from the same reactor cannot be imported), so this test keeps them equal.
 */
final class BomVersionsTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern VERSION_PROPERTY =
      Pattern.compile("<([a-z.]+\\.version)>([^<]+)</\\1>");

  @Test
  void bom_managesJnatsSlf4jJacksonAndTheOptionalIntegrations() throws IOException {
    String bom = Files.readString(ROOT.resolve("aether-bom/pom.xml"));

    assertThat(bom).contains("<artifactId>jnats</artifactId>", "<artifactId>slf4j-api</artifactId>",
        "<artifactId>jackson-databind</artifactId>", "<artifactId>micrometer-core</artifactId>",
        "<artifactId>opentelemetry-api</artifactId>", "<artifactId>postgresql</artifactId>",
        "<artifactId>HikariCP</artifactId>");
  }

  @Test
  void bomVersions_areTheVersionsTheBuildUses() throws IOException {
    Map<String, String> bom = versions(ROOT.resolve("aether-bom/pom.xml"));
    Map<String, String> parent = versions(ROOT.resolve("pom.xml"));

    assertThat(bom).isNotEmpty();
    assertThat(parent).containsAllEntriesOf(bom);
  }

  private static Map<String, String> versions(Path pom) throws IOException {
    Map<String, String> versions = new LinkedHashMap<>();
    Matcher m = VERSION_PROPERTY.matcher(Files.readString(pom));
    while (m.find()) {
      versions.put(m.group(1), m.group(2));
    }
    return versions;
  }
}
