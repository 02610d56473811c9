package one.flowmade.aether.admin.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Position;
import one.flowmade.aether.projection.ParkedEvent;
import one.flowmade.aether.projection.ProjectionInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code projections}: {@code list}, {@code reset} and {@code parked} on the projections whose
 * checkpoints are in a namespace's KV checkpoint bucket ({@code aether-projections-<ns>}),
 * through {@code aether-projections}' {@code Projections}. Not runnable by itself.
 */
@Command(name = "projections", mixinStandardHelpOptions = true,
    subcommands = {ProjectionsCommand.ListCommand.class, ProjectionsCommand.ResetCommand.class,
        ProjectionsCommand.ParkedCommand.class},
    exitCodeListHeading = AdminCommand.EXIT_HEADING,
    exitCodeList = {AdminCommand.EXIT_OK, ProjectionsCommand.EXIT_FAILED,
        ProjectionsCommand.EXIT_USAGE},
    description = {"Lists, resets and shows the parked events of the projections whose"
        + " checkpoints are in a namespace's KV checkpoint bucket (aether-projections-NS).",
        "NAME is a checkpoint key: the projection's name, or <name>-p<i>of<n> for a partition."
            + " Connect as the namespace's application user (the provisioning role may not read"
            + " or write the bucket's keys). Nothing is created: a namespace without its event"
            + " stream or checkpoint bucket is refused."})
final class ProjectionsCommand {

  static final String EXIT_FAILED = "1:the server refused or did not answer, or the namespace has"
      + " no event stream or checkpoint bucket";
  static final String EXIT_USAGE = "2:usage error (unknown option, missing value, invalid"
      + " namespace, unknown projection, position outside the namespace)";

  @ParentCommand
  AdminCommand parent;

  /** The namespace whose checkpoint bucket the subcommands work on. */
  static final class Target {
    @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NAME",
        converter = NamespaceConverter.class,
        description = "The namespace whose checkpoint bucket aether-projections-NAME to use.")
    Namespace namespace;
  }

  /**
   * What every subcommand shares: the namespace and server options, opening the namespace's
   * checkpoint bucket (nothing is created), and closing it after {@link #run}.
   */
  abstract static class OnBucket implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Target target = new Target();

    @Mixin
    ServerOptions server;

    @ParentCommand
    ProjectionsCommand parent;

    /** Checks the arguments before anything is opened; throws {@link ParameterException}. */
    void check() {}

    /** Does the subcommand's work on the open bucket; returns the exit code. */
    abstract int run(CheckpointAccess access, PrintWriter out);

    @Override
    public final Integer call() {
      check();
      try (CheckpointAccess access = CheckpointAccess.open(target.namespace, server,
          spec.commandLine().getErr(), parent.parent.verbose)) {
        return run(access, spec.commandLine().getOut());
      }
    }
  }

  /** {@code projections list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      exitCodeListHeading = AdminCommand.EXIT_HEADING,
      exitCodeList = {AdminCommand.EXIT_OK, EXIT_FAILED, EXIT_USAGE},
      description = {"Lists every projection whose checkpoint the bucket holds, in key order: its"
          + " committed position, owner epoch, lag (the namespace's events after the position)"
          + " and parked events. Only reads.",
          "The checkpoint holds no state: whether an instance is catching up, live or failed is"
              + " known only to the process that runs it (Projection.status())."})
  static final class ListCommand extends OnBucket {
    @Override
    int run(CheckpointAccess access, PrintWriter out) {
      List<ProjectionInfo> all = access.projections().list();
      if (all.isEmpty()) {
        out.println("no projections in checkpoint bucket " + access.bucket());
        return AetherAdmin.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"PROJECTION", "POSITION", "EPOCH", "LAG", "PARKED"});
      for (ProjectionInfo p : all) {
        rows.add(new String[] {p.key(), Long.toString(p.position()), Long.toString(p.epoch()),
            p.lagEvents() < 0 ? "?" : Long.toString(p.lagEvents()),
            p.parked() < 0 ? "?" : Integer.toString(p.parked())});
      }
      out.print(table(rows));
      return AetherAdmin.OK;
    }
  }

  /** Where a reset moves the checkpoint; exactly one is given. */
  static final class ResetTarget {
    @Option(names = "--to-start", required = true,
        description = "Apply every event again, from the namespace's first.")
    boolean start;

    @Option(names = "--to-position", required = true, paramLabel = "N",
        description = "Apply from position N on (1 to the namespace's last position + 1).")
    long position;

    @Option(names = "--to-time", required = true, paramLabel = "ISO-8601",
        converter = InstantConverter.class,
        description = "Apply from the first event at or after this time, e.g."
            + " 2026-12-07T10:15:30Z (binary search; assumes timestamps grow with position).")
    Instant time;

    @Option(names = "--to-end", required = true,
        description = "Skip every event stored now; apply only later ones.")
    boolean end;
  }

  /** {@code projections reset}. */
  @Command(name = "reset", mixinStandardHelpOptions = true,
      exitCodeListHeading = AdminCommand.EXIT_HEADING,
      exitCodeList = {AdminCommand.EXIT_OK, EXIT_FAILED, EXIT_USAGE},
      description = {"Moves a projection's checkpoint so that its next start applies events from"
          + " the start, a position or a time, or only new ones. Its read model is not touched:"
          + " empty it first if its effects are not idempotent.",
          "Fencing: a reset raises the checkpoint's owner epoch. An instance of NAME still"
              + " running anywhere can then commit nothing more: it stops (FAILED, with"
              + " CheckpointFencedException in its status) at its next commit, which is not"
              + " made (with KV checkpoints the effects of that unit of work stay: handlers are"
              + " idempotent). Stop it first, or restart it after the reset to apply from the"
              + " new position. A partition that a cluster"
              + " runs (ClusteredProjection) stays fenced until its shard moves: close the"
              + " clustered projection on every node before a reset (docs/projections.md)."})
  static final class ResetCommand extends OnBucket {
    @Parameters(index = "0", paramLabel = "NAME", description = "The checkpoint key.")
    String key;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ResetTarget to;

    @Override
    void check() {
      if (!to.start && !to.end && to.time == null && to.position < 1) {
        throw new ParameterException(spec.commandLine(), "--to-position must be at least 1, not "
            + to.position);
      }
    }

    @Override
    int run(CheckpointAccess access, PrintWriter out) {
      ProjectionInfo before = access.require(key);
      long now;
      if (to.time != null) {
        now = access.projections().reset(key, to.time);
      } else if (to.end) {
        now = access.projections().reset(key, Position.end());
      } else {
        long from = to.start ? 1 : to.position;
        long last = access.lastPosition();
        if (from > last + 1) {
          throw new ParameterException(spec.commandLine(), "--to-position " + from + " is"
              + " beyond the namespace's events (its last position is " + last + "); a"
              + " checkpoint ahead of the stream stops the projection's start");
        }
        now = access.projections().reset(key, Position.at(from));
      }
      ProjectionInfo after = access.require(key);
      out.println("reset projection '" + key + "': position " + before.position() + " -> "
          + now + ", epoch " + before.epoch() + " -> " + after.epoch() + "; its next start"
          + " applies events from position " + (now + 1));
      out.println("an instance still running with epoch " + before.epoch() + " is fenced: it"
          + " stops at its next commit; restart it");
      return AetherAdmin.OK;
    }
  }

  /** {@code projections parked}. */
  @Command(name = "parked", mixinStandardHelpOptions = true,
      exitCodeListHeading = AdminCommand.EXIT_HEADING,
      exitCodeList = {AdminCommand.EXIT_OK, EXIT_FAILED, EXIT_USAGE},
      description = {"Lists a projection's parked events (ErrorPolicy.park()): position, type,"
          + " actor, event id, when and why; with --clear, removes them.",
          "Cleared events stay unapplied past the checkpoint. Retrying needs the projection's"
              + " handlers, so it is not a command: call Projection.retryParked() in the"
              + " application (on a running instance, or on one not running, which then claims"
              + " the checkpoint and fences the others like a reset)."})
  static final class ParkedCommand extends OnBucket {
    @Parameters(index = "0", paramLabel = "NAME", description = "The checkpoint key.")
    String key;

    @Option(names = "--clear", description = "Remove every parked event of NAME.")
    boolean clear;

    @Override
    int run(CheckpointAccess access, PrintWriter out) {
      access.require(key);
      if (clear) {
        int n = access.projections().clearParked(key);
        out.println("cleared " + n + " parked event" + (n == 1 ? "" : "s") + " of projection '"
            + key + "'; they stay unapplied past its checkpoint");
        return AetherAdmin.OK;
      }
      List<ParkedEvent> parked = access.projections().parked(key);
      if (parked.isEmpty()) {
        out.println("projection '" + key + "' has no parked events");
        return AetherAdmin.OK;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"POSITION", "TYPE", "ACTOR", "EVENT ID", "PARKED AT", "CAUSE"});
      for (ParkedEvent p : parked) {
        rows.add(new String[] {Long.toString(p.position()), p.type(), p.actorId(), p.eventId(),
            p.parkedAt().toString(), p.cause().replaceAll("\\s+", " ")});
      }
      out.print(table(rows));
      return AetherAdmin.OK;
    }
  }

  /** Parses an ISO-8601 instant ({@code 2026-12-07T10:15:30Z}). */
  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not an ISO-8601 instant such as"
            + " 2026-12-07T10:15:30Z");
      }
    }
  }

  /** Left-aligned columns two spaces apart, the last one unpadded; one line per row. */
  static String table(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        out.append(r[i]);
        if (i < columns - 1) {
          out.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
