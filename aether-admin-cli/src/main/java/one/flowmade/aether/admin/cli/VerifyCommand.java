package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.ProvisioningPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: prints the plan and exits with {@link AetherAdmin#FAILED} when a stream or
 * bucket is missing or differs. Only reads.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
    exitCodeListHeading = AdminCommand.EXIT_HEADING,
    exitCodeList = {AdminCommand.EXIT_OK, AdminCommand.EXIT_FAILED, AdminCommand.EXIT_USAGE},
    description = {"Checks that a namespace's streams and buckets, and the durable consumers"
        + " given with --durable or --durable-type, exist as Aether needs them;"
        + " prints each (MISSING, MATCHES or DIFFERS, with the differing fields) and changes"
        + " nothing.",
        "Exit code 1 when anything is missing or differs. Connect as the namespace's provisioning"
            + " or application user."})
final class VerifyCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  NamespaceOptions namespace;

  @Mixin
  ServerOptions server;

  @ParentCommand
  AdminCommand parent;

  @Override
  public Integer call() throws InterruptedException {
    NamespaceResources resources = namespace.resources();
    PrintWriter out = spec.commandLine().getOut();
    try (Connection c = server.connect(resources, spec.commandLine().getErr(), parent.verbose)) {
      ProvisioningPlan plan = namespace.provisioner(c, resources, server).plan();
      out.print(plan.render());
      String ns = "namespace '" + resources.namespace().name() + "'";
      if (plan.upToDate()) {
        out.println("verified: " + ns + " is provisioned as Aether needs it");
        return AetherAdmin.OK;
      }
      out.println(ns + " is not provisioned as Aether needs it: " + Plans.counts(plan)
          + " (run 'aether-admin provision --apply')");
      return AetherAdmin.FAILED;
    }
  }
}
