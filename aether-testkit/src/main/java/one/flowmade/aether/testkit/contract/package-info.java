/**
 * Contract test suites for implementations of Aether's store APIs: {@link
 * one.flowmade.aether.testkit.contract.EventStoreContract} and {@link
 * one.flowmade.aether.testkit.contract.SnapshotStoreContract}. Extend one, implement its factory
 * method, and JUnit 5 runs every test of the contract against your implementation; every store
 * Aether ships passes them. The suites create a fresh namespace per test and close what they
 * create.
 */
package one.flowmade.aether.testkit.contract;
