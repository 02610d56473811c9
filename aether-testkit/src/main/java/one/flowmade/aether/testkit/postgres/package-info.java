/**
 * A private PostgreSQL server for tests ({@link one.flowmade.aether.testkit.postgres.PostgresServer}),
 * started from the local PostgreSQL binaries on a free port and a temporary directory. Needs
 * {@code org.postgresql:postgresql} on the test class path.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.testkit.postgres;
