package io.brazier.proxy.isolation;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.access.Role;
import io.brazier.server.Caller;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import java.util.Set;

/**
 * Isolation in front of another FHIR server (the standalone proxy), as far as it goes today: a caller that
 * {@link Isolation} would keep to some patients' compartments (a participant role, a patient scope) is refused
 * with 403, since the proxy cannot yet keep the upstream's answers to those compartments. Refusing is the safe side:
 * such a caller must never see the whole upstream. Administrators and the global roles pass, as with Isolation.
 */
public final class UpstreamIsolation implements Interceptor {
  private final Set<String> globalRoles;

  public UpstreamIsolation(IsolationConfig config) {
    this.globalRoles = Set.copyOf(config.globalRoles());
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    Caller caller = request.caller();
    if (caller.isAnonymous() || request.interaction() == FhirInteraction.CAPABILITIES || isGlobal(caller)) {
      return request;
    }
    if (Participants.confined(caller)) {
      throw FhirException.forbidden("The caller may see only some patients' data (a participant role or a patient"
          + " scope), which this proxy cannot yet enforce on another server's answers; use serve --auth, or a"
          + " token without patient confinement.");
    }
    return request;
  }

  private boolean isGlobal(Caller caller) {
    return caller.hasRole(Role.ADMINISTRATOR.title()) || caller.roles().stream().anyMatch(globalRoles::contains);
  }
}
