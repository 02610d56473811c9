package one.flowmade.aether.examples.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/** The demo's command-line parsing: {@code --name value} pairs and {@code --flag}s. */
final class DemoArgs {

  private DemoArgs() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option, got " + args[i]);
      }
      String name = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        options.put(name, args[++i]);
      } else {
        options.put(name, "true");
      }
    }
    return options;
  }

  static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }
}
