/**
 * The {@code aether-admin} command line: {@link one.flowmade.aether.admin.cli.AetherAdmin} (the
 * entry point and its exit codes) and, package-private, one class per command ({@code provision},
 * {@code verify}, {@code config}, {@code projections}) and the option groups they share (server connection, namespace
 * and stream settings).
 */
package one.flowmade.aether.admin.cli;
