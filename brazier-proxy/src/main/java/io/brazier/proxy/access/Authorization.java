package io.brazier.proxy.access;

import io.brazier.fhir.FhirException;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization of every interaction, bundle entries included: the caller's roles and scopes ({@link Rights}) must
 * grant what the request asks ({@link AccessRules}), or it is refused with 403 before anything is read or written.
 * Answers are checked too where a granular scope reaches only part of a type: a read outside it is a 403, and
 * included resources outside the caller's rights are left out of a search's page.
 */
public final class Authorization implements Interceptor {
  private static final int MOST_CALLERS_KEPT = 10_000;

  private final GranularMatch granular;
  private final IncludedEntries included;
  private final Map<Caller, Rights> rights = new ConcurrentHashMap<>();

  /** @param api where the checks of granular scopes search */
  public Authorization(FhirApi api) {
    this.granular = new GranularMatch(api);
    this.included = new IncludedEntries(granular);
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    if (isProcessSystem(request.caller())) {
      return request;
    }
    return AccessRules.check(request, rights(request.caller()));
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (response.status() != 200 || request.interaction() == null || isProcessSystem(request.caller())) {
      return response;
    }
    Rights callerRights = rights(request.caller());
    return switch (request.interaction()) {
      case READ -> checkRead(request, response, callerRights);
      case SEARCH_TYPE, SEARCH_SYSTEM, SEARCH_COMPARTMENT -> included.filter(request, response, callerRights);
      default -> response;
    };
  }

  /** A read allowed on part of its type only: the resource must be in that part. */
  private FhirResponse checkRead(FhirRequest request, FhirResponse response, Rights callerRights) {
    Rights.Reach reach = callerRights.reach(Permission.READ, request.type());
    if (reach.all()) {
      return response;
    }
    String id = request.id();
    if (granular.matching(request.type(), java.util.List.of(id), reach.constraints(), request.baseUrl())
        .contains(id)) {
      return response;
    }
    throw FhirException.forbidden(request.type() + "/" + id + " is outside the caller's scopes, which grant reads"
        + " of " + request.type() + " only for " + SearchScopes.describe(reach.constraints()) + ".");
  }

  /**
   * What a token's claims grant, kept per caller: the same token comes with every request. Tokens are short-lived,
   * so the map is emptied when it grows past its bound rather than tracked entry by entry.
   */
  private Rights rights(Caller caller) {
    if (rights.size() > MOST_CALLERS_KEPT) {
      rights.clear();
    }
    return rights.computeIfAbsent(caller, Rights::of);
  }

  /**
   * A module of this process (the loader, the sync agent) that sends requests in process as itself, marked by the
   * {@code source} it writes: it is part of the server, and no token can make such a caller.
   */
  static boolean isProcessSystem(Caller caller) {
    return caller.isAnonymous() && caller.source() != null;
  }
}
