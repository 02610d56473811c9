/**
 * The contract suite every {@link one.flowmade.aether.projection.CheckpointStore} passes ({@link
 * one.flowmade.aether.testkit.projection.CheckpointStoreContract}); extend it to test your own.
 * {@link one.flowmade.aether.testkit.projection.ProjectionFixture} runs given-then tests of a
 * projection's handlers. Needs {@code aether-projections} on the test class path.
 */
package one.flowmade.aether.testkit.projection;
