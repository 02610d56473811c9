/**
 * Projections ({@link one.flowmade.aether.projection.Projection}) and their checkpoint stores
 * ({@link one.flowmade.aether.projection.CheckpointStore}: {@link
 * one.flowmade.aether.projection.InMemoryCheckpointStore}, {@link
 * one.flowmade.aether.projection.KvCheckpointStore}, {@link
 * one.flowmade.aether.projection.JdbcCheckpointStore}, and {@link
 * one.flowmade.aether.projection.KvReadModel}, a KV read model whose rows commit with its
 * checkpoints in one atomic batch), the error policy and the parking list.
 */
package one.flowmade.aether.projection;
