/**
 * What Aether's own store and wire-format modules need from core and users do not: building
 * {@link one.flowmade.aether.Event}s whose fields are decoded when first read. Exported only to
 * Aether's modules; not an API.
 */
package one.flowmade.aether.internal;
