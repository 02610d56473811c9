package one.flowmade.aether.admin.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.NscCommands;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code config}: prints the {@code nats-server} configuration ({@link ServerConfiguration}) or
 * the operator-mode {@code nsc} commands ({@link NscCommands}) for one or more namespaces. Sends
 * nothing anywhere.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    exitCodeListHeading = AdminCommand.EXIT_HEADING,
    exitCodeList = {AdminCommand.EXIT_OK, AdminCommand.EXIT_FAILED, AdminCommand.EXIT_USAGE},
    description = {"Prints the nats-server configuration for one or more namespaces (an account"
        + " per namespace with its limits, users and permissions; or one shared account), or the"
        + " nsc commands of operator (JWT) mode.",
        "Without --user, each namespace gets NS-app (application role) and NS-admin"
            + " (provisioning role). A user without a password gets a placeholder to replace with"
            + " a bcrypt hash (nats server passwd)."})
final class ConfigCommand implements Callable<Integer> {

  /** The placeholder the docs use too: visibly not a hash, refused by no parser. */
  static final String PLACEHOLDER = "$2a$11$REPLACE.WITH.THE.BCRYPT.HASH.OF.";

  /** What to print. */
  enum Format { conf, nsc }

  /** How namespaces map to accounts. */
  enum Mode { account, shared }

  @Spec
  CommandSpec spec;

  @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NAME",
      converter = NamespaceConverter.class,
      description = "A namespace to configure; repeat for several.")
  List<Namespace> namespaces;

  @Option(names = "--format", paramLabel = "conf|nsc", defaultValue = "conf",
      description = "conf: nats-server configuration; nsc: the nsc commands of operator mode"
          + " (account mode only). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(names = "--mode", paramLabel = "account|shared", defaultValue = "account",
      description = "account: one account per namespace (the security boundary); shared: every"
          + " namespace's users in one account (see docs/security.md). Default: ${DEFAULT-VALUE}.")
  Mode mode;

  @Option(names = "--shared-account", paramLabel = "NAME",
      description = "The one account's name in shared mode (default: AETHER).")
  String sharedAccount;

  @Option(names = "--user", paramLabel = "NS:USER:ROLE[:PASSWORD]",
      description = "A user of namespace NS with role application or provisioning, and its"
          + " password or bcrypt hash; repeat for several. Replaces NS's default users.")
  List<String> users = new ArrayList<>();

  @Option(names = "--cluster", paramLabel = "NS=CLUSTER",
      description = "The Aether cluster name of namespace NS, if not NS.")
  Map<String, String> clusters = new LinkedHashMap<>();

  @Option(names = "--readable-by", paramLabel = "NS=READER",
      description = "Let namespace READER read NS's stored events, read-only (account mode);"
          + " repeat for several.")
  List<String> readers = new ArrayList<>();

  @Option(names = "--max-storage", paramLabel = "[NS=]BYTES",
      description = "Account file storage limit, e.g. 10G (K, M, G, T: powers of 1024); with"
          + " NS= for one namespace, else for all. Default: none.")
  List<String> maxStorage = new ArrayList<>();

  @Option(names = "--max-memory", paramLabel = "[NS=]BYTES",
      description = "Account memory storage limit, as --max-storage. Default: none.")
  List<String> maxMemory = new ArrayList<>();

  @Option(names = "--max-streams", paramLabel = "[NS=]N",
      description = "Account stream limit (Aether needs 4 per namespace). Default: none.")
  List<String> maxStreams = new ArrayList<>();

  @Option(names = "--max-consumers", paramLabel = "[NS=]N",
      description = "Account consumer limit. Default: none.")
  List<String> maxConsumers = new ArrayList<>();

  @Option(names = "--store-dir", paramLabel = "DIR",
      description = "JetStream storage directory to write (default: none, the server's).")
  String storeDir;

  @Option(names = "--port", paramLabel = "PORT",
      description = "Client port to write (default: none, the server's 4222).")
  Integer port;

  @Override
  public Integer call() {
    Set<Namespace> all = new LinkedHashSet<>(namespaces);
    if (all.size() != namespaces.size()) {
      throw usage("a namespace is given twice in " + namespaces);
    }
    ServerConfiguration.Builder conf = ServerConfiguration.builder()
        .mode(mode == Mode.account ? ServerConfiguration.Mode.ACCOUNT_PER_NAMESPACE
            : ServerConfiguration.Mode.SHARED_ACCOUNT);
    int placeholders = 0;
    try {
      if (sharedAccount != null) {
        conf.sharedAccount(sharedAccount);
      }
      if (storeDir != null) {
        conf.storeDir(storeDir);
      }
      if (port != null) {
        conf.port(port);
      }
      for (Namespace ns : all) {
        String cluster = clusters.get(ns.name());
        NamespaceAccount.Builder account = NamespaceAccount.builder(cluster == null
            ? NamespaceResources.of(ns) : NamespaceResources.of(ns, cluster));
        limit(maxStorage, "--max-storage", ns, true).ifPresent(account::maxStorage);
        limit(maxMemory, "--max-memory", ns, true).ifPresent(account::maxMemory);
        limit(maxStreams, "--max-streams", ns, false).ifPresent(account::maxStreams);
        limit(maxConsumers, "--max-consumers", ns, false).ifPresent(account::maxConsumers);
        List<String[]> own = new ArrayList<>();
        for (String u : users) {
          String[] parts = u.split(":", 4);
          if (parts.length < 3) {
            throw usage("--user '" + u + "' must be NS:USER:ROLE[:PASSWORD]");
          }
          own.add(parts);
        }
        own.removeIf(parts -> !parts[0].equals(ns.name()));
        if (own.isEmpty()) {
          own.add(new String[] {ns.name(), ns.name() + "-app", "application"});
          own.add(new String[] {ns.name(), ns.name() + "-admin", "provisioning"});
        }
        for (String[] parts : own) {
          boolean placeholder = parts.length < 4;
          placeholders += placeholder && format == Format.conf ? 1 : 0;
          account.user(parts[1], placeholder ? PLACEHOLDER + parts[1] : parts[3], role(parts[2]));
        }
        for (String r : readers) {
          String[] pair = pair(r, "--readable-by", "NS=READER");
          if (pair[0].equals(ns.name())) {
            account.readableBy(Namespace.of(pair[1]));
          }
        }
        conf.account(account.build());
      }
      checkNamed(clusters.keySet(), "--cluster", all);
      for (String u : users) {
        checkNamed(Set.of(u.split(":", 2)[0]), "--user", all);
      }
      for (String r : readers) {
        checkNamed(Set.of(pair(r, "--readable-by", "NS=READER")[0]), "--readable-by", all);
      }
      ServerConfiguration configuration = conf.build();
      if (format == Format.nsc && mode == Mode.shared) {
        throw usage("--format nsc generates an account per namespace; it cannot be used with"
            + " --mode shared");
      }
      spec.commandLine().getOut().print(format == Format.conf ? configuration.render()
          : NscCommands.render(configuration));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw usage(e.getMessage());
    }
    if (placeholders > 0) {
      spec.commandLine().getErr().println("aether-admin: warning: " + placeholders + " user"
          + (placeholders == 1 ? " has" : "s have") + " a placeholder password (" + PLACEHOLDER
          + "<user>); replace it with a bcrypt hash from 'nats server passwd', or give"
          + " --user NS:USER:ROLE:PASSWORD");
    }
    return AetherAdmin.OK;
  }

  private static Role role(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "application":
        return Role.APPLICATION;
      case "provisioning":
        return Role.PROVISIONING;
      default:
        throw new IllegalArgumentException("role '" + name + "' must be application or"
            + " provisioning");
    }
  }

  /** The limit for a namespace: its own NS=VALUE, else the one without NS=, else none. */
  private OptionalLong limit(List<String> values, String option, Namespace ns,
      boolean bytes) {
    OptionalLong all = OptionalLong.empty();
    OptionalLong own = OptionalLong.empty();
    for (String v : values) {
      int eq = v.indexOf('=');
      String target = eq < 0 ? null : v.substring(0, eq);
      long parsed = number(eq < 0 ? v : v.substring(eq + 1), option, bytes);
      if (target == null) {
        all = OptionalLong.of(parsed);
      } else if (target.equals(ns.name())) {
        own = OptionalLong.of(parsed);
      } else if (namespaces.stream().noneMatch(n -> n.name().equals(target))) {
        throw usage(option + " names namespace '" + target + "', which is not a --namespace");
      }
    }
    return own.isPresent() ? own : all;
  }

  private long number(String text, String option, boolean bytes) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    if (bytes && !t.isEmpty()) {
      int shift = "KMGT".indexOf(t.charAt(t.length() - 1));
      if (shift >= 0) {
        unit = 1L << (10 * (shift + 1));
        t = t.substring(0, t.length() - 1);
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n == -1) {
        return -1;
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw usage(option + " value '" + text + "' is not " + (bytes
          ? "a number of bytes (e.g. 1073741824 or 1G)" : "a number"));
    }
  }

  private String[] pair(String value, String option, String form) {
    int eq = value.indexOf('=');
    if (eq <= 0 || eq == value.length() - 1) {
      throw usage(option + " '" + value + "' must be " + form);
    }
    return new String[] {value.substring(0, eq), value.substring(eq + 1)};
  }

  private void checkNamed(Set<String> named, String option, Set<Namespace> all) {
    for (String n : named) {
      if (all.stream().noneMatch(ns -> ns.name().equals(n))) {
        throw usage(option + " names namespace '" + n + "', which is not a --namespace");
      }
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
