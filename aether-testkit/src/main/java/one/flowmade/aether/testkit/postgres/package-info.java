/**
 * A private PostgreSQL server for tests ({@link one.flowmade.aether.testkit.postgres.PostgresServer}),
 * started from the local PostgreSQL binaries on a free port and a temporary directory. Needs
 * {@code org.postgresql:postgresql} on the test class path.
 */
package one.flowmade.aether.testkit.postgres;
