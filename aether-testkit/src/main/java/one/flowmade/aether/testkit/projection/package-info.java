/**
 * The contract suite every {@link one.flowmade.aether.projection.CheckpointStore} passes ({@link
 * one.flowmade.aether.testkit.projection.CheckpointStoreContract}); extend it to test your own.
 * {@link one.flowmade.aether.testkit.projection.ProjectionFixture} runs given-then tests of a
 * projection's handlers. Needs {@code aether-projections} on the test class path.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.testkit.projection;
