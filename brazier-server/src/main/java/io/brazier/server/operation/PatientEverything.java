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
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * Patient/[id]/$everything and Patient/$everything: the patients, everything in their compartments, and what those
 * refer to (practitioners, organizations, medications...), paged like a search. {@code _since} keeps resources
 * updated since an instant, {@code _type} the listed types, and {@code start}/{@code end} the resources whose
 * {@code date} falls in that span (those without one stay). Of a deleted patient it is a 410, of one never stored
 * (or outside the caller's restriction) a 404, as a read. https://hl7.org/fhir/R4/patient-operation-everything.html
 *
 * <p>A patient's {@code link}s are handled as Microsoft's FHIR server handles them: the patients of its
 * {@code seealso} links (one level deep, each once, those live and within the caller's restriction) are searched
 * with it, so their compartments page along in the one result. A {@code replaced-by} link means the record is no
 * longer in use: its everything still answers, with a warning issue in each page's outcome entry naming the
 * replacing patient's $everything, as Microsoft's does by default (a warning, not an error, so that a client that
 * asked for this record still gets it); with {@code Prefer: handling=strict} it is a 301 to that $everything, as
 * Microsoft's is. {@code replaces} and {@code refer} links are not followed, and the
 * patients of a Patient's links are not included as what it refers to either.
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
    List<String> patients = new ArrayList<>();
    List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
    if (instance) {
      PatientLinks links = PatientLinks.of(fhir, reachable.live(request.restriction(), "Patient", request.id()),
          request.baseUrl());
      patients.add(request.id());
      links.seeAlso().stream().filter(id -> !patients.contains(id) && isLive(request, id)).forEach(patients::add);
      if (!links.replacedBy().isEmpty() && request.prefer().strict()) {
        throw moved(request, links.replacedBy().get(0));
      }
      links.replacedBy().forEach(id -> issues.add(replaced(request, id)));
    }
    // A POST's Parameters count as its query, so the links to later pages (GETs) carry them too.
    OperationInput input = new OperationInput(fhir, request);
    Map<String, List<String>> params = new LinkedHashMap<>();
    input.names().forEach(name -> params.put(name, input.values(name)));
    List<String> types = types(params.get("_type"));
    List<Criterion> criteria = new ArrayList<>();
    criteria.add(new InCompartment("Patient", patients, compartment, true));
    String since = input.single("_since");
    if (since != null) {
      criteria.add(new Criterion.LastUpdatedMatch(List.of(new DateValue(Prefix.GE, date("_since", since)))));
    }
    care(criteria, Prefix.GE, "start", input.single("start"));
    care(criteria, Prefix.LE, "end", input.single("end"));
    SearchQuery query = new SearchQuery(types, criteria, List.of(), includes(types), List.of(), List.of());
    String path = "Patient/" + (instance ? request.id() + "/" : "") + "$everything";
    return search.respond(request, path, query, params, issues);
  }

  /** Whether a linked patient is there, and within the caller's restriction, as its own $everything requires. */
  private boolean isLive(FhirRequest request, String id) {
    return reachable.current(request.restriction(), "Patient", id).filter(version -> !version.deleted()).isPresent();
  }

  /** The warning that the patient is no longer in use, pointing at the one that replaces it. */
  private static OperationOutcomeIssueComponent replaced(FhirRequest request, String id) {
    return new OperationOutcomeIssueComponent().setSeverity(IssueSeverity.WARNING).setCode(IssueType.INFORMATIONAL)
        .setDiagnostics(replacedBy(request, id));
  }

  /**
   * A 301 to the replacing patient's $everything: the URL is the {@code Location} (which HTTP clients follow) and
   * the {@code Content-Location} (which Microsoft's server sets).
   */
  private static FhirException moved(FhirRequest request, String id) {
    String to = replacing(request, id);
    return new FhirException(301, IssueType.BUSINESSRULE, replacedBy(request, id)).withHeader("Location", to)
        .withHeader("Content-Location", to);
  }

  private static String replacedBy(FhirRequest request, String id) {
    return "Patient/" + request.id() + " is replaced by Patient/" + id + "; use " + replacing(request, id)
        + " instead.";
  }

  /** This request's $everything of the replacing patient, with the same parameters (but no page of this one's). */
  private static String replacing(FhirRequest request, String id) {
    String from = request.baseUrl() + "/Patient/" + request.id();
    return request.baseUrl() + "/Patient/" + id + request.link("_cursor", null).substring(from.length());
  }

  /**
   * What the matches refer to: everything, but of a Patient only its practitioners and organization, as Microsoft's
   * server includes, so that the patients of its {@code link}s come only as matches, when they are followed.
   */
  private static List<Include> includes(List<String> types) {
    List<Include> includes = new ArrayList<>();
    for (String type : types) {
      if (type.equals("Patient")) {
        includes.add(new Include(type, "general-practitioner", null, false));
        includes.add(new Include(type, "organization", null, false));
      } else {
        includes.add(new Include(type, "*", null, false));
      }
    }
    return includes;
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
