package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.Provisioner;
import one.flowmade.aether.admin.ProvisioningPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code provision}: without {@code --apply} prints what differs from what Aether needs and
 * changes nothing; with it, creates what is missing, updates what differs and prints what it did.
 * Never deletes or purges a stream.
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
    exitCodeListHeading = AdminCommand.EXIT_HEADING,
    exitCodeList = {AdminCommand.EXIT_OK, AdminCommand.EXIT_FAILED, AdminCommand.EXIT_USAGE},
    description = {"Creates or updates a namespace's streams and buckets (event stream, snapshot"
        + " stream, cluster bucket, checkpoint bucket), and the durable consumers given with"
        + " --durable or --durable-type, as Aether needs them.",
        "Without --apply it prints what is missing or differs and changes nothing; with --apply"
            + " it changes only the differing fields and prints what it did. It never deletes or"
            + " purges a stream or deletes a consumer. Connect as the namespace's provisioning user."})
final class ProvisionCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  NamespaceOptions namespace;

  @Mixin
  ServerOptions server;

  @Option(names = "--apply", description = "Make the changes (default: only print them).")
  boolean apply;

  @ParentCommand
  AdminCommand parent;

  @Override
  public Integer call() throws InterruptedException {
    NamespaceResources resources = namespace.resources();
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = server.connect(resources, spec.commandLine().getErr(), parent.verbose)) {
      Provisioner p = namespace.provisioner(c, resources, server);
      if (!apply) {
        ProvisioningPlan plan = p.plan();
        out.print(plan.render());
        out.println(plan.upToDate()
            ? "namespace '" + resources.namespace().name() + "' is up to date; nothing to change"
            : Plans.counts(plan) + "; nothing was changed (run again with --apply to create and"
                + " update)");
        return AetherAdmin.OK;
      }
      ProvisioningPlan done = p.apply();
      out.print(Plans.applied(done));
      out.println(done.upToDate()
          ? "namespace '" + resources.namespace().name() + "' was up to date; nothing changed"
          : "applied: namespace '" + resources.namespace().name() + "' is provisioned");
      return AetherAdmin.OK;
    }
  }
}
