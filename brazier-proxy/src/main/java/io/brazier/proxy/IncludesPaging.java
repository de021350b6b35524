package io.brazier.proxy;

import io.brazier.server.FhirInteraction;
import io.brazier.server.FhirRequest;

/**
 * {@code GET [type]/$includes}, {@code GET [base]/$includes} and {@code GET [Compartment]/[id]/[type]/$includes}, as
 * Microsoft's FHIR server and Brazier link them with relation {@code related}: the included resources of a type,
 * system or compartment search's page that did not fit in it.
 * The operation runs that search again, with its parameters, and serves only its includes, so the proxy holds it to
 * the rules of that search (the rights it needs, the includes left out, its isolation) rather than to those of an
 * operation it does not know, which a caller of the search could not follow.
 */
public final class IncludesPaging {
  public static final String OPERATION = "$includes";
  /** Where a page's included resources resume: a page that carries it holds included resources only. */
  public static final String TOKEN = "includesCt";

  private IncludesPaging() {}

  /**
   * The interaction whose rules {@code request} follows: for {@code $includes} read at type (server) level or below a
   * compartment search, the search of that type (of the server, of that compartment) it pages; else its own. A POST
   * of it stays an operation of its own, as its body would carry parameters that the checks of a search's query do
   * not see.
   */
  public static FhirInteraction interaction(FhirRequest request) {
    FhirInteraction interaction = request.interaction();
    if (interaction != FhirInteraction.OPERATION || !OPERATION.equals(request.operation())
        || !request.method().equals("GET")) {
      return interaction;
    }
    return switch (request.segments().size()) {
      case 1 -> FhirInteraction.SEARCH_SYSTEM;
      case 2 -> FhirInteraction.SEARCH_TYPE;
      case 4 -> isCompartmentSearch(request.segment(2)) ? FhirInteraction.SEARCH_COMPARTMENT : interaction;
      default -> interaction;
    };
  }

  /** {@code [Compartment]/[id]/[type]/$includes}, {@code [type]} a type or {@code *}. */
  private static boolean isCompartmentSearch(String target) {
    return target.equals("*") || Character.isUpperCase(target.charAt(0));
  }
}
