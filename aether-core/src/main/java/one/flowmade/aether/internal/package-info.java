/**
 * What Aether's own modules need from core and users do not: building {@link
 * one.flowmade.aether.Event}s whose fields are decoded when first read ({@link
 * one.flowmade.aether.internal.LazyEvents}), and the rules every builder applies to a setting
 * ({@link one.flowmade.aether.internal.BuilderSettings}). Exported only to Aether's modules; not
 * an API.
 */
package one.flowmade.aether.internal;
