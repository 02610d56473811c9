/**
 * For implementations of Aether's APIs (stores, buses): shared encodings that keep every
 * implementation's subjects and keys injective and compatible. Applications do not need it.
 */
package one.flowmade.aether.spi;
