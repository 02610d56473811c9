/**
 * The {@code aether-admin} command-line program: {@code provision}, {@code verify} and {@code
 * config} around {@code aether-admin}'s {@code Provisioner} and {@code ServerConfiguration}, and
 * {@code projections} ({@code list}, {@code reset}, {@code parked}) on a namespace's KV checkpoint
 * store through {@code aether-projections}' {@code Projections}. Its
 * one exported type, {@link one.flowmade.aether.admin.cli.AetherAdmin}, runs a command line and
 * returns its exit code. See {@code docs/security.md}, "Provisioning a namespace".
 */
module one.flowmade.aether.admin.cli {
  requires one.flowmade.aether.admin;
  requires one.flowmade.aether.projections;
  requires one.flowmade.aether.store.jetstream;
  requires info.picocli;

  exports one.flowmade.aether.admin.cli;
  // picocli reads and sets the commands' annotated fields reflectively.
  opens one.flowmade.aether.admin.cli to info.picocli;
}
