package io.brazier.proxy.isolation;

import io.brazier.proxy.CallerReach;
import io.brazier.proxy.IncludesPaging;
import io.brazier.proxy.IsolationConfig;
import io.brazier.proxy.access.Authorization;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import java.time.Clock;

/**
 * Patient and participant isolation, and patients' opt-outs, for every request and bundle entry: it works out which
 * patients' data the caller may reach ({@link PatientReach}) and hands that to the server as the request's
 * {@link Restriction}, which the server enforces in the query itself (see {@code Restriction}). Administrators, the
 * configured global roles and the modules of this process reach everything.
 */
public final class Isolation implements Interceptor {
  private final PatientReach reach;

  public Isolation(FhirApi api, IdentityLinks links, IsolationConfig config, Clock clock) {
    this.reach = new PatientReach(new Lookup(api.client(Authorization.PROXY, ""), ""), links, config, clock);
    api.onChanges(reach::changed);
  }

  /** Whose data callers reach, for the processors: read in process, dropped on changes as this interceptor's. */
  public CallerReach reach() {
    return reach;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    Caller caller = request.caller();
    if (caller.isAnonymous() || reach.isGlobal(caller) || request.interaction() == FhirInteraction.CAPABILITIES) {
      return request;
    }
    // An entry carries what was worked out for its bundle (the same caller, at the same moment): a bundle of 500
    // entries costs one identity lookup, not 501.
    Restriction restriction = request.isEntry() ? request.restriction() : reach.restriction(caller);
    if (restriction == null) {
      return request;
    }
    // $includes runs the search it pages, which the server keeps to the restriction as that search.
    if (IncludesPaging.interaction(request) == FhirInteraction.OPERATION) {
      IsolatedOperations.check(request);
    }
    return request.withRestriction(restriction);
  }
}
