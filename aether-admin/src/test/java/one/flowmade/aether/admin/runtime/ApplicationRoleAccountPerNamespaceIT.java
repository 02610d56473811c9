package one.flowmade.aether.admin.runtime;

import one.flowmade.aether.admin.ServerConfiguration;

/** The application role at run time, with an account per namespace. */
final class ApplicationRoleAccountPerNamespaceIT extends ApplicationRoleChecks {

  @Override
  ServerConfiguration.Mode mode() {
    return ServerConfiguration.Mode.ACCOUNT_PER_NAMESPACE;
  }
}
