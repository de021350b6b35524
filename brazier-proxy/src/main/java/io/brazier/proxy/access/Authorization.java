package io.brazier.proxy.access;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.IncludesPaging;
import io.brazier.server.Caller;
import io.brazier.server.FhirApi;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Interceptor;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization of every interaction, bundle entries included: the caller's roles and scopes ({@link Rights}) must
 * grant what the request asks ({@link AccessRules}), or it is refused with 403 before anything is read or written.
 * Answers are checked too where a granular scope reaches only part of a type: a read outside it is a 403, and
 * included resources outside the caller's rights are left out of a search's page (and of a page of its
 * {@code $includes}).
 */
public final class Authorization implements Interceptor {
  /**
   * The proxy itself, when it asks the server in process (does a granular scope reach a resource, whose data may a
   * participant see): every right and no restriction, and no one a token can name (no issuer).
   */
  public static final Caller PROXY = new Caller(null, "brazier-proxy", null, Set.of(Role.ADMINISTRATOR.title()),
      Set.of(), null, null, null);
  private static final int MOST_CALLERS_KEPT = 10_000;

  private final GranularMatch granular;
  private final IncludedEntries included;
  private final Map<Caller, Rights> rights = new ConcurrentHashMap<>();

  /** @param api where the checks of granular scopes search */
  public Authorization(FhirApi api) {
    this.granular = new GranularMatch(api);
    this.included = new IncludedEntries(granular);
  }

  /**
   * In front of another FHIR server (the standalone proxy), which it cannot search in process: a read of a type that
   * a granular scope reaches only in part is refused, as whether the resource lies within cannot be told.
   */
  public static Authorization upstream() {
    return new Authorization(null, null);
  }

  private Authorization(GranularMatch granular, IncludedEntries included) {
    this.granular = granular;
    this.included = included;
  }

  @Override
  public FhirRequest before(FhirRequest request) {
    if (isProcessSystem(request.caller())) {
      return request;
    }
    Rights callerRights = rights(request.caller());
    if (granular == null && request.interaction() == FhirInteraction.READ
        && callerRights.reach(Permission.READ, request.type()).limited()) {
      throw FhirException.forbidden("The caller's scopes grant reads of " + request.type() + " only in part, which"
          + " this proxy cannot check on a read of another server; search with the scope's parameters instead.");
    }
    FhirRequest checked = AccessRules.check(request, callerRights);
    if (granular == null && AccessRules.isSearch(request)) {
      SearchScopes.checkIncludesUnseen(callerRights, request.searchParameters());
    }
    return checked;
  }

  @Override
  public FhirResponse after(FhirRequest request, FhirResponse response) {
    if (response.status() != 200 || request.interaction() == null || isProcessSystem(request.caller())) {
      return response;
    }
    Rights callerRights = rights(request.caller());
    return switch (IncludesPaging.interaction(request)) {
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
