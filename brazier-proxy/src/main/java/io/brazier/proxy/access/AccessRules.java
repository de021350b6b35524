package io.brazier.proxy.access;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.IncludesPaging;
import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which right each interaction needs, as SMART's permissions name them: read (read, vread, instance history),
 * search (type and system search and history), create, update (and patch), delete. A write needs its right on the
 * whole type: granular scopes grant reads and searches only. {@code $includes} needs what the search it pages needs
 * ({@link IncludesPaging}).
 */
final class AccessRules {
  private static final String HARD_DELETE = "hardDelete";

  private AccessRules() {}

  /**
   * Refuses, with a 403, a request its caller's rights do not reach; returns the request to run: a search within
   * granular scopes runs strict (the first preference wins), so that no parameter of theirs the server does not
   * know is ignored, which would widen the search to the whole type.
   */
  static FhirRequest check(FhirRequest request, Rights rights) {
    if (isSearch(request) && limited(request, rights)) {
      checkInteraction(request, rights);
      String prefer = request.header("Prefer");
      return request.withHeader("Prefer", prefer == null ? "handling=strict" : "handling=strict, " + prefer);
    }
    checkInteraction(request, rights);
    return request;
  }

  /**
   * Whether a delete asks for Microsoft's hard delete. It purges history, which nothing brings back, so, as that
   * server gives it a right of its own, only administrators may; any value but false counts (the server refuses
   * what is neither true nor false).
   */
  private static boolean isHard(FhirRequest request) {
    String value = request.param(HARD_DELETE);
    return value != null && !value.equals("false");
  }

  static boolean isSearch(FhirRequest request) {
    return switch (IncludesPaging.interaction(request)) {
      case SEARCH_TYPE, SEARCH_SYSTEM, SEARCH_COMPARTMENT -> true;
      default -> false;
    };
  }

  /**
   * Whether a searched type is reached only in part: of a system search, any of its {@code _type}s, as a parameter
   * that not all of them have is one the server drops when lenient.
   */
  private static boolean limited(FhirRequest request, Rights rights) {
    List<String> types = switch (IncludesPaging.interaction(request)) {
      case SEARCH_COMPARTMENT -> List.of(request.segment(2));
      case SEARCH_TYPE -> List.of(request.type());
      default -> typesOf(request.searchParameters());
    };
    return types.stream().anyMatch(type -> rights.reach(Permission.SEARCH, type).limited());
  }

  private static void checkInteraction(FhirRequest request, Rights rights) {
    String type = request.type();
    FhirInteraction interaction = IncludesPaging.interaction(request);
    switch (interaction) {
      case CAPABILITIES -> { }
      case READ -> need(rights, Permission.READ, type, true);
      case VREAD, HISTORY_INSTANCE -> need(rights, Permission.READ, type, false);
      case HISTORY_TYPE -> need(rights, Permission.SEARCH, type, false);
      case HISTORY_SYSTEM -> need(rights, Permission.SEARCH, "*", false);
      case SEARCH_TYPE -> search(rights, List.of(type), request);
      case SEARCH_SYSTEM -> search(rights, typesOf(request.searchParameters()), request);
      case SEARCH_COMPARTMENT -> {
        need(rights, Permission.READ, type, false);
        search(rights, List.of(request.segment(2)), request);
      }
      case CREATE -> need(rights, Permission.CREATE, type, false);
      case UPDATE, PATCH -> need(rights, Permission.UPDATE, type, false);
      case DELETE -> {
        need(rights, Permission.DELETE, type, false);
        if (isHard(request) && !rights.isAdministrator()) {
          throw forbidden("delete with " + HARD_DELETE + "=true, which also purges history (Administrators only)");
        }
      }
      case BUNDLE -> {
        if (!rights.any()) {
          throw forbidden("send a batch or transaction");
        }
      }
      case OPERATION -> OperationRights.check(request, rights);
      case ASYNC_STATUS -> {
        // A caller follows only the jobs it submitted (Jobs.get): whoever may submit one may follow it.
        if (!rights.any()) {
          throw forbidden("follow an asynchronous request");
        }
      }
      default -> throw forbidden(interaction.code());
    }
  }

  /**
   * Needs {@code permission} on {@code type}: on all of it, or, when {@code limitedWillDo}, on part of it (a read
   * whose answer is then checked against the granular scopes).
   */
  private static void need(Rights rights, Permission permission, String type, boolean limitedWillDo) {
    Rights.Reach reach = rights.reach(permission, type);
    if (reach.all() || (limitedWillDo && reach.limited())) {
      return;
    }
    String verb = permission.name().toLowerCase(java.util.Locale.ROOT);
    if (reach.limited()) {
      throw FhirException.forbidden("The caller's scopes grant " + verb + " on " + type + " only for "
          + SearchScopes.describe(reach.constraints()) + ", which does not cover this " + verb + ".");
    }
    throw forbidden(verb + " " + ("*".equals(type) ? "every resource type" : type));
  }

  private static void search(Rights rights, List<String> types, FhirRequest request) {
    Map<String, List<String>> params = request.searchParameters();
    types.forEach(type -> SearchScopes.check(rights, type, params));
    SearchScopes.checkIncludes(rights, params);
  }

  /** The types of a system search: those of {@code _type}, or every type ({@code *}). */
  private static List<String> typesOf(Map<String, List<String>> params) {
    List<String> types = params.getOrDefault("_type", List.of()).stream()
        .flatMap(value -> Arrays.stream(value.split(","))).filter(type -> !type.isBlank()).toList();
    return types.isEmpty() ? List.of("*") : types;
  }

  static FhirException forbidden(String what) {
    return FhirException.forbidden("The caller may not " + what + ": no role or scope of its token grants it.");
  }
}
