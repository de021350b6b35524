package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code [type]/$includes} and {@code [base]/$includes}, as Microsoft's FHIR server has them, and
 * {@code [Compartment]/[id]/[type]/$includes} ({@code [type]} may be {@code *}) for a compartment search: the
 * included resources of a page of search results that did not fit in it. A searchset whose includes were cut links
 * here with relation {@code related}, carrying the search's parameters, the page's {@code _cursor} and
 * {@code includesCt} (where its includes stopped); each page of this operation holds only included resources,
 * {@code _includesCount} of them, and links the following one as {@code next}.
 */
public final class IncludedPages implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("includes", "https://brazier.dev/fhir/OperationDefinition/includes");
  /** Where the included resources resume: Microsoft's name for it. */
  static final String TOKEN = "includesCt";

  private final Search search;
  private final SearchCompartment compartments;

  public IncludedPages(Search search, SearchCompartment compartments) {
    this.search = search;
    this.compartments = compartments;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return switch (request.segments().size()) {
      case 1 -> search.moreIncludes(request, "", List.of(), null); // of a search of every type (or of _type)
      case 2 -> search.moreIncludes(request, request.type(), List.of(request.type()), null);
      default -> compartments.moreIncludes(request); // [Compartment]/[id]/[type]/$includes
    };
  }

  /** Where the included resources of a search at {@code path} are paged. */
  static String path(String searchPath) {
    return searchPath.isEmpty() ? "$" + OPERATION.name() : searchPath + "/$" + OPERATION.name();
  }

  /** The row key of {@code includesCt}; a missing or foreign one is a 400. */
  static long after(List<String> token) {
    if (token == null || token.size() != 1) {
      throw FhirException.badRequest(TOKEN + " is required, once: follow the link of relation 'related' of a"
          + " searchset.");
    }
    try {
      long after = Long.parseLong(token.get(0));
      if (after >= 0) {
        return after;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw FhirException.badRequest(TOKEN + " '" + token.get(0) + "' is not where this server's includes stopped.");
  }

  /**
   * The search's parameters with its page size (a page of matches is read again by it) and the place the included
   * resources resume after.
   */
  static Map<String, List<String>> at(Map<String, List<String>> params, int count, long after) {
    Map<String, List<String>> at = new LinkedHashMap<>(params);
    at.put("_count", List.of(Integer.toString(count)));
    at.put(TOKEN, List.of(Long.toString(after)));
    return at;
  }

  /**
   * The outcome's note when a page's included resources were cut at {@code served}: the rest are paged (unless found
   * through :iterate) by the link of relation {@code related} or, for an operation's result, by the next link.
   */
  static String truncated(int served, boolean pageable, boolean inNext) {
    String cut = "More resources were to be included than the " + served + " this page includes; ";
    if (!pageable) {
      return cut + "those found through :iterate are not paged: narrow the search.";
    }
    return cut + (inNext ? "the next page holds the rest."
        : "the link of relation 'related' ($includes) pages the rest.");
  }
}
