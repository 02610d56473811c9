/** Implementation of hosted actors: the wire envelope of commands and replies. Not exported. */
package one.flowmade.aether.cluster.internal.actor;
