/**
 * Contract test suites for implementations of Aether's store APIs: {@link
 * one.flowmade.aether.testkit.contract.EventStoreContract} and {@link
 * one.flowmade.aether.testkit.contract.SnapshotStoreContract}. Extend one, implement its factory
 * method, and JUnit 5 runs every test of the contract against your implementation; every store
 * Aether ships passes them. The suites create a fresh namespace per test and close what they
 * create.
 *
 * <p>JUnit makes one suite instance per test and runs its tests one after another; the tests call
 * the implementation on the test thread and block on it (each wait bounded), and a few call it
 * from several threads at once to check that it is thread-safe, as the store APIs promise.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.testkit.contract;
