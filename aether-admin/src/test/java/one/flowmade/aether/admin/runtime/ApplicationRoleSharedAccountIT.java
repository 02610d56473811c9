package one.flowmade.aether.admin.runtime;

import one.flowmade.aether.admin.ServerConfiguration;

/** The application role at run time, with every namespace's users in one shared account. */
final class ApplicationRoleSharedAccountIT extends ApplicationRoleChecks {

  @Override
  ServerConfiguration.Mode mode() {
    return ServerConfiguration.Mode.SHARED_ACCOUNT;
  }
}
