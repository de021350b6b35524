package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import io.brazier.server.FhirRequest;
import io.brazier.server.Restriction;
import io.brazier.server.http.Queries;
import io.brazier.store.QueryTooCostly;
import io.brazier.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the resources a conditional interaction names by search criteria ({@code If-None-Exist}, {@code PUT
 * Type?query}, {@code DELETE Type?query}, a conditional reference): any search the server supports. Criteria are
 * read strictly, because ignoring one would widen the match of a delete or an update; under a restriction they match
 * only within it, so that no answer (a 412 for several matches, say) tells of a resource outside.
 */
public final class Conditions {
  private final Store store;
  private final QueryParser parser;
  private final Terminology terminology;
  private final RestrictionCriteria restrictions;

  public Conditions(Store store, QueryParser parser, Terminology terminology, RestrictionCriteria restrictions) {
    this.store = store;
    this.parser = parser;
    this.terminology = terminology;
    this.restrictions = restrictions;
  }

  /**
   * The ids of the resources of {@code type} that match all criteria within {@code restriction} (null: anywhere),
   * at most {@code limit + 1} of them.
   */
  public List<String> matches(String type, Map<String, List<String>> criteria, int limit, Restriction restriction) {
    if (criteria.containsKey("_contained") || criteria.containsKey("_containedType")) {
      // Dropped like the other result parameters, it would widen the match of a delete or an update.
      throw FhirException.badRequest("A conditional " + type + " request cannot search contained resources"
          + " (_contained).");
    }
    Map<String, List<String>> selecting = selecting(new LinkedHashMap<>(criteria));
    if (selecting.isEmpty()) {
      throw FhirException.badRequest("A conditional " + type + " request needs search criteria, such as identifier.");
    }
    SearchQuery query = restrictions.confine(parse(List.of(type), selecting), restriction);
    try {
      return store.ids(query, limit + 1);
    } catch (QueryTooCostly e) {
      throw FhirException.tooCostly(e.getMessage());
    }
  }

  /**
   * The criteria parsed strictly, as {@link #matches} reads them for a search over {@code types}: a 400 for a
   * parameter the types do not have or a bad value, before anything is searched.
   */
  public SearchQuery parse(List<String> types, Map<String, List<String>> criteria) {
    return parser.parse(types, criteria, new QueryParser.Options(true, null, terminology));
  }

  /**
   * Parses criteria such as {@code identifier=http://x|1&_id=a}, bare or, as clients also send them, after the type
   * or the type's whole URL ({@code Patient?identifier=...}, the HAPI client's {@code If-None-Exist}).
   */
  public List<String> matches(String type, String criteria, int limit, Restriction restriction) {
    int question = criteria.indexOf('?');
    if (question >= 0) {
      String path = criteria.substring(0, question);
      if (!path.isEmpty() && !path.equals(type) && !path.endsWith("/" + type)) {
        throw FhirException.badRequest("The criteria '" + criteria + "' name another type than " + type + ".");
      }
    }
    return matches(type, Queries.parse(criteria.substring(question + 1)), limit, restriction);
  }

  /**
   * The conditions a write names, as one key: a create's If-None-Exist, or the criteria of a conditional update or
   * delete, their parameters sorted; null for a write that names none.
   */
  public static String named(FhirRequest request) {
    Map<String, List<String>> criteria;
    if (request.method().equals("POST")) {
      String ifNoneExist = request.header("If-None-Exist");
      if (ifNoneExist == null || ifNoneExist.isBlank()) {
        return null;
      }
      criteria = Queries.parse(ifNoneExist.substring(ifNoneExist.indexOf('?') + 1));
    } else if (request.id() == null) {
      criteria = request.query();
    } else {
      return null;
    }
    return request.type() + "?" + selecting(new TreeMap<>(criteria));
  }

  /** {@code criteria} without the parameters that shape a result rather than select resources. */
  private static Map<String, List<String>> selecting(Map<String, List<String>> criteria) {
    QueryParser.RESULT_PARAMS.forEach(criteria::remove);
    return criteria;
  }
}
