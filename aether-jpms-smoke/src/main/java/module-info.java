/**
 * Not published: a user's module as JPMS sees it. It requires every published Aether module and
 * uses each through its exported packages only, so a package that a user needs but that is not
 * exported fails this module's compilation, and {@code JpmsSmokeTest} runs it on the module path.
 */
module one.flowmade.aether.smoke {
  requires one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires one.flowmade.aether.store.memory;
  requires one.flowmade.aether.store.jetstream;
  requires one.flowmade.aether.bus;
  requires one.flowmade.aether.cluster;
  requires one.flowmade.aether.projections;
  requires one.flowmade.aether.projections.cluster;
  requires one.flowmade.aether.admin;
  requires one.flowmade.aether.admin.cli;
  requires one.flowmade.aether.testkit;
}
