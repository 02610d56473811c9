/**
 * Aether test kit: real nats-server processes for JUnit 5 tests, the contract suites every store
 * implementation must pass, and given-when-then fixtures for actor models.
 */
module one.flowmade.aether.testkit {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires static transitive org.jspecify; // @Nullable in the exported API
  requires transitive io.nats.jnats;
  requires transitive org.junit.jupiter.api;
  requires org.assertj.core;
  requires awaitility;
  requires testcontainers;
  requires com.github.dockerjava.api;
  // Optional: only the projection contract suite and PostgresServer need them.
  requires static transitive one.flowmade.aether.projections;
  requires static org.postgresql.jdbc;
  requires static transitive java.sql;
  requires static java.naming;

  exports one.flowmade.aether.testkit.actor;
  exports one.flowmade.aether.testkit.bus;
  exports one.flowmade.aether.testkit.contract;
  exports one.flowmade.aether.testkit.nats;
  exports one.flowmade.aether.testkit.postgres;
  exports one.flowmade.aether.testkit.projection;
}
