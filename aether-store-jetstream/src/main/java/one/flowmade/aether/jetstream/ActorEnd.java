package one.flowmade.aether.jetstream;

import one.flowmade.aether.jetstream.EventLog.Found;
import org.jspecify.annotations.Nullable;

/**
 * Where an append expects the actor to be: its last subject sequence and version, and its last
 * event if it was read (null when it came from the {@link ExpectationCache}).
 */
record ActorEnd(long sequence, long version, @Nullable Found last) {}
