package one.flowmade.aether.admin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top command: its subcommands and the options every command takes. Not runnable by itself
 * (picocli reports a missing subcommand as a usage error).
 */
@Command(name = "aether-admin", mixinStandardHelpOptions = true,
    versionProvider = AdminCommand.Version.class,
    subcommands = {ProvisionCommand.class, VerifyCommand.class, ConfigCommand.class,
        ProjectionsCommand.class, HelpCommand.class},
    description = {"Provisions and checks Aether's namespaces on NATS and prints the nats-server"
        + " configuration that makes each namespace a security boundary (docs/security.md);"
        + " lists, resets and shows the parked events of projections with KV checkpoints"
        + " (docs/projections.md)."},
    exitCodeListHeading = AdminCommand.EXIT_HEADING,
    exitCodeList = {AdminCommand.EXIT_OK, AdminCommand.EXIT_FAILED, AdminCommand.EXIT_USAGE})
final class AdminCommand {

  /** The exit codes, as every command's help lists them. */
  static final String EXIT_HEADING = "%nExit codes:%n";
  static final String EXIT_OK = "0:success";
  static final String EXIT_FAILED = "1:a check failed (verify: missing or different), or the"
      + " server refused or did not answer";
  static final String EXIT_USAGE = "2:usage error (unknown option, missing value, invalid"
      + " namespace, user or cluster name)";

  /** Declared so that it parses on every command; its value is {@link #verbose}. */
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Print stack traces with errors, the connection's asynchronous errors, and"
          + " debug logs.")
  boolean verboseOption;

  /**
   * Whether {@code --verbose} is on the command line (read from the raw arguments, which may not
   * parse, wherever it appears).
   */
  final boolean verbose;

  AdminCommand(boolean verbose) {
    this.verbose = verbose;
  }

  /** The version of the aether-admin-cli build, from the filtered {@code version.properties}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = AdminCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"aether-admin " + p.getProperty("version", "(unknown version)"),
          "Java " + System.getProperty("java.version")};
    }
  }
}
