package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion.IdMatch;
import io.brazier.fhir.search.DateRange;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.server.interaction.Search;
import io.brazier.store.ResourceVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * US Core's {@code DocumentReference/$docref} (GET, or POST with a Parameters body): the DocumentReferences of the
 * {@code patient}, as a searchset paged like a search. {@code start} and {@code end} keep those whose care period
 * ({@code context.period}, the {@code period} search parameter) overlaps that span: US Core says the dates are care
 * dates, not when the reference was written ({@code date}). Without either, only the most current document is in
 * scope, as US Core says: the one whose period is latest (then the latest written). {@code type} (a Coding, or
 * {@code system|code}) keeps that document type, {@code profile} the references that claim that profile.
 *
 * <p>This server keeps documents and does not make them: {@code on-demand=true}, which asks only for documents
 * generated for the request, finds none, and the outcome entry says so (US Core lets a server that cannot generate
 * a document answer an empty searchset). An unknown, deleted or unreachable patient is answered as
 * {@code $everything} answers it (404, 410), so that a restricted caller learns nothing of other patients.
 * http://hl7.org/fhir/us/core/OperationDefinition/docref
 */
public final class DocRef implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("docref", "http://hl7.org/fhir/us/core/OperationDefinition/docref");
  private static final String TYPE = "DocumentReference";
  private final Fhir fhir;
  private final Reachable reachable;
  private final Search search;

  public DocRef(Fhir fhir, Reachable reachable, Search search) {
    this.fhir = fhir;
    this.reachable = reachable;
    this.search = search;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    OperationInput input = new OperationInput(fhir, request);
    String patient = patient(input.single("patient"));
    reachable.live(request.restriction(), "Patient", patient);
    String start = date(input, "start");
    String end = date(input, "end");
    boolean onDemand = onDemand(input.single("on-demand"));
    // What the links of later pages carry: the operation's parameters, which they run with again.
    Map<String, List<String>> params = new LinkedHashMap<>();
    put(params, "patient", patient);
    put(params, "start", start);
    put(params, "end", end);
    put(params, "type", input.token("type"));
    put(params, "profile", input.single("profile"));
    put(params, "on-demand", input.single("on-demand"));
    put(params, "_count", input.single("_count"));
    put(params, "_cursor", request.param("_cursor"));
    SearchQuery query = search.parse(request, criteria(params), List.of(TYPE));
    List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
    if (onDemand) {
      issues.add(new OperationOutcomeIssueComponent().setSeverity(IssueSeverity.WARNING)
          .setCode(IssueType.NOTSUPPORTED).setDiagnostics("This server does not generate documents on demand:"
              + " on-demand=true finds none. Leave it out (or false) for the stored documents."));
      query = query.withCriterion(new IdMatch(List.of(), false));
    } else if (start == null && end == null) {
      query = mostCurrent(request, query);
    }
    return search.respond(request, TYPE + "/$docref", query, params, issues);
  }

  /**
   * The query narrowed to its most current match: by latest care period, then latest written (the sort keys parsed
   * as a client's {@code _sort}, so typed as the index holds them).
   */
  private SearchQuery mostCurrent(FhirRequest request, SearchQuery query) {
    SearchQuery sorted = new SearchQuery(query.types(), query.criteria(),
        search.parse(request, Map.of("_sort", List.of("-period,-date")), List.of(TYPE)).sort(), query.includes(),
        query.revIncludes(), query.ignored(), query.contained());
    List<String> first = search.first(request, sorted).map(ResourceVersion::id).stream().toList();
    return query.withCriterion(new IdMatch(first, false));
  }

  /** The search parameters of DocumentReference the operation's parameters come to. */
  private static Map<String, List<String>> criteria(Map<String, List<String>> params) {
    Map<String, List<String>> criteria = new LinkedHashMap<>();
    criteria.put("patient", List.of("Patient/" + params.get("patient").get(0)));
    List<String> period = new ArrayList<>();
    // The care period overlaps start..end: it ends at or after start and begins at or before end.
    params.getOrDefault("start", List.of()).forEach(start -> period.add("ge" + start));
    params.getOrDefault("end", List.of()).forEach(end -> period.add("le" + end));
    if (!period.isEmpty()) {
      criteria.put("period", period);
    }
    if (params.containsKey("type")) {
      criteria.put("type", params.get("type"));
    }
    if (params.containsKey("profile")) {
      criteria.put("_profile", params.get("profile"));
    }
    return criteria;
  }

  /** The patient's id: US Core passes an id; a {@code Patient/[id]} reference is taken too. */
  private static String patient(String value) {
    if (value == null || value.isEmpty()) {
      throw FhirException.badRequest("$docref needs the patient parameter: the id of the patient whose documents"
          + " to find.");
    }
    String id = value.startsWith("Patient/") ? value.substring("Patient/".length()) : value;
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
      throw FhirException.badRequest("patient '" + value + "' is not a patient id.");
    }
    return id;
  }

  private static String date(OperationInput input, String name) {
    String value = input.single(name);
    if (value != null) {
      try {
        DateRange.parse(value);
      } catch (IllegalArgumentException e) {
        throw FhirException.badRequest(name + " '" + value + "' is not a dateTime: " + e.getMessage());
      }
    }
    return value;
  }

  private static boolean onDemand(String value) {
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw FhirException.badRequest("on-demand '" + value + "' is not true or false.");
  }

  private static void put(Map<String, List<String>> params, String name, String value) {
    if (value != null) {
      params.put(name, List.of(value));
    }
  }
}
