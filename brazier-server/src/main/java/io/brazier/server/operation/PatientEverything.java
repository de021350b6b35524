package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.Criterion.DateMatch;
import io.brazier.fhir.search.Criterion.DateValue;
import io.brazier.fhir.search.Criterion.InCompartment;
import io.brazier.fhir.search.DateRange;
import io.brazier.fhir.search.ParamType;
import io.brazier.fhir.search.Prefix;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.SearchQuery.Include;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.server.interaction.Search;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patient/[id]/$everything and Patient/$everything: the patients, everything in their compartments, and what those
 * refer to (practitioners, organizations, medications...), paged like a search. {@code _since} keeps resources
 * updated since an instant, {@code _type} the listed types, and {@code start}/{@code end} the resources whose
 * {@code date} falls in that span (those without one stay). Of a deleted patient it is a 410, of one never stored
 * (or outside the caller's restriction) a 404, as a read. https://hl7.org/fhir/R4/patient-operation-everything.html
 */
public final class PatientEverything implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("everything", "http://hl7.org/fhir/OperationDefinition/Patient-everything");
  private final Fhir fhir;
  private final Reachable reachable;
  private final Search search;
  private final Map<String, List<String>> compartment;

  public PatientEverything(Fhir fhir, Reachable reachable, Search search, Compartments compartments) {
    this.fhir = fhir;
    this.reachable = reachable;
    this.search = search;
    this.compartment = compartments.params("Patient");
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    boolean instance = request.segments().size() == 3;
    if (instance) {
      reachable.live(request.restriction(), "Patient", request.id());
    }
    Map<String, List<String>> params = new LinkedHashMap<>(request.query());
    List<String> types = types(params.get("_type"));
    List<Criterion> criteria = new ArrayList<>();
    criteria.add(new InCompartment("Patient", instance ? List.of(request.id()) : List.of(), compartment, true));
    String since = request.param("_since");
    if (since != null) {
      criteria.add(new Criterion.LastUpdatedMatch(List.of(new DateValue(Prefix.GE, date("_since", since)))));
    }
    care(criteria, Prefix.GE, "start", request.param("start"));
    care(criteria, Prefix.LE, "end", request.param("end"));
    SearchQuery query = new SearchQuery(types, criteria, List.of(), List.of(new Include("*", "*", null, false)),
        List.of(), List.of());
    String path = "Patient/" + (instance ? request.id() + "/" : "") + "$everything";
    return search.respond(request, path, query, params);
  }

  /** A bound of the care date: resources without a {@code date} stay. */
  private static void care(List<Criterion> criteria, Prefix prefix, String name, String value) {
    if (value != null) {
      criteria.add(new Criterion.AnyOf(List.of(new Criterion.Missing("date", ParamType.DATE, true),
          new DateMatch("date", List.of(new DateValue(prefix, date(name, value)))))));
    }
  }

  private List<String> types(List<String> typeParam) {
    List<String> types = new ArrayList<>(compartment.keySet());
    if (!types.contains("Patient")) {
      types.add("Patient");
    }
    if (typeParam == null) {
      return types;
    }
    List<String> chosen = new ArrayList<>();
    for (String value : typeParam) {
      for (String type : value.split(",")) {
        if (!fhir.isResourceType(type.trim())) {
          throw FhirException.badRequest("_type '" + type + "' is not a resource type.");
        }
        if (types.contains(type.trim())) {
          chosen.add(type.trim());
        }
      }
    }
    if (chosen.isEmpty()) {
      throw FhirException.badRequest("None of the types in _type are in the Patient compartment.");
    }
    return chosen;
  }

  private static DateRange date(String name, String value) {
    try {
      return DateRange.parse(value);
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest(name + ": " + e.getMessage());
    }
  }
}
