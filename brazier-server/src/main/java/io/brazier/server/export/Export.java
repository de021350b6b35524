package io.brazier.server.export;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.fhir.search.Compartments;
import io.brazier.fhir.search.DateRange;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.server.ExportConfig;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.Restriction;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.operation.JobJson;
import io.brazier.server.operation.Jobs;
import io.brazier.server.operation.OperationInput;
import io.brazier.store.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The Bulk Data export kick-off: {@code [base]/$export}, {@code [base]/Patient/$export} and
 * {@code [base]/Group/[id]/$export}, by GET or POST (a Parameters body). It checks every parameter, takes the
 * change sequence the export is as of, and queues a job ({@link ExportJob}); 202 with {@code Content-Location} to
 * poll, 429 when {@code --export-max-running} exports are queued or running already; a kick-off identical to one
 * the same caller made that is still queued or running is answered with that job. A caller that sees only some
 * patients' data (its request's {@link Restriction}) exports at Patient and Group level only, kept to those patients.
 * https://hl7.org/fhir/uv/bulkdata/export.html
 */
public final class Export implements Interaction {
  public static final Operations.Definition SYSTEM =
      new Operations.Definition("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export");
  public static final Operations.Definition PATIENT =
      new Operations.Definition("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export");
  public static final Operations.Definition GROUP =
      new Operations.Definition("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export");
  private static final Set<String> PARAMETERS = Set.of("_outputFormat", "_since", "_until", "_till", "_type",
      "_typeFilter", "_elements", "patient", "_container", "includeAssociatedData", "_format", "_pretty");
  private static final Set<String> FORMATS = Set.of("application/fhir+ndjson", "application/ndjson", "ndjson",
      "application/fhir ndjson"); // the last: a + that a query string turned into a space
  /** When a client refused for too many running exports should try again, in seconds. */
  private static final String RETRY_AFTER = "60";

  private final Fhir fhir;
  private final Store store;
  private final ExportScans scans;
  private final ExportPatients patients;
  private final Compartments compartments;
  private final Jobs jobs;
  private final ExportConfig config;

  Export(Fhir fhir, Store store, ExportParts parts, Jobs jobs) {
    this.fhir = fhir;
    this.store = store;
    this.scans = parts.scans();
    this.patients = new ExportPatients(store, parts.search());
    this.compartments = parts.search().compartments();
    this.jobs = jobs;
    this.config = parts.config();
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (!request.prefer().respondAsync()) {
      throw FhirException.badRequest("$export runs asynchronously: send the header Prefer: respond-async.");
    }
    OperationInput input = new OperationInput(fhir, request);
    boolean lenient = request.prefer().saidLenient();
    List<ExportRequest.Issue> issues = new ArrayList<>();
    checkNames(input, lenient, issues);
    checkFormat(input.single("_outputFormat"));
    ExportRequest.Provenance provenance = associated(input.list("includeAssociatedData"), lenient, issues);
    ExportRequest.Level level = level(request);
    if (level == ExportRequest.Level.SYSTEM && request.restriction() != null) {
      throw FhirException.forbidden("The caller sees only some patients' data, and [base]/$export reaches everyone's:"
          + " export at Patient/$export or Group/[id]/$export, which keep to the patients it sees.");
    }
    String since = instant(input, "_since");
    String until = until(input);
    if (since != null && until != null && Instant.parse(since).isAfter(Instant.parse(until))) {
      throw FhirException.badRequest("_since " + since + " is after _until " + until + ": the export would hold"
          + " nothing.");
    }
    String container = container(input.single("_container"));
    List<String> asked = types(input, lenient, issues);
    boolean typeGiven = !input.list("_type").isEmpty(); // an empty _type= names no type
    List<String> types = level == ExportRequest.Level.SYSTEM ? asked : inCompartment(asked, typeGiven);
    // Types outside the compartment only when _type names them, and then only what the export refers to.
    List<String> referenced = typeGiven ? asked.stream().filter(type -> !types.contains(type)).toList() : List.of();
    // What _typeFilter and _elements may name: at Patient and Group level without _type, the compartment's types.
    List<String> included = Stream.concat(types.stream(), referenced.stream()).toList();
    Map<String, List<String>> filters = typeFilters(input, included, lenient, request.baseUrl(), issues);
    List<String> elements = input.list("_elements");
    Elements.check(fhir, elements, included);

    long sequence = store.watermark();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<String> departed = new ArrayList<>();
    List<String> exported = patients(request, input, level, sequence, lenient, issues, departed);
    Instant asOf = until != null && Instant.parse(until).isBefore(now) ? Instant.parse(until) : now;
    ExportRequest export = new ExportRequest(level, level == ExportRequest.Level.GROUP ? request.id() : null,
        exported, departed, types, referenced, provenance, filters, since, until, elements, container, request.url(),
        request.baseUrl(), sequence, asOf.toString(), request.restriction(), issues, lenient,
        twin(request, input, lenient));
    return jobs.submit(ExportJob.KIND, JobJson.write(export), request.caller(), config.maxRunning(),
        JobJson.write(Map.of("twin", export.twin()))).map(job -> accepted(request, job, issues))
        .orElseGet(this::busy);
  }

  /**
   * What makes two kick-offs the same export, hashed: the URL's base and path, its parameters and a POST body's by
   * name (so that the order a client gives them in does not matter), the handling asked for, and what the caller
   * may reach. A kick-off whose twin by the same caller is queued or running gets that job, found in the job table
   * that every node shares, as Microsoft's server does.
   */
  private static String twin(FhirRequest request, OperationInput input, boolean lenient) {
    Restriction restriction = request.restriction();
    StringBuilder what = new StringBuilder(request.baseUrl()).append('/')
        .append(String.join("/", request.segments())).append('\n').append(lenient).append('\n');
    if (restriction != null) {
      what.append(restriction.compartment()).append(sorted(restriction.within()))
          .append(sorted(restriction.outside()));
    }
    for (String name : new TreeSet<>(input.names())) {
      what.append('\n').append(name).append('=').append(input.values(name));
    }
    return Jobs.twin(what.toString());
  }

  private static Set<String> sorted(Set<String> ids) {
    return ids == null ? null : new TreeSet<>(ids);
  }

  private FhirResponse busy() {
    return FhirResponse.of(429, Outcomes.error(IssueType.THROTTLED, config.maxRunning() + " exports are queued or"
        + " running already, the most this server runs at once; retry after " + RETRY_AFTER + " seconds."))
        .header("Retry-After", RETRY_AFTER);
  }

  /**
   * 202 with where to poll, and an OperationOutcome naming what a lenient kick-off left out, and the Group members
   * not exported: warnings, as the export goes ahead (its error file holds them as they are).
   */
  private FhirResponse accepted(FhirRequest request, String job, List<ExportRequest.Issue> issues) {
    OperationOutcome outcome = Outcomes.information("The export has started; poll the Content-Location.");
    issues.forEach(issue -> outcome.addIssue().setSeverity(IssueSeverity.WARNING)
        .setCode(IssueType.INFORMATIONAL).setDiagnostics(issue.diagnostics()));
    // Raw, so that the kick-off's own _elements (which is the export's) does not cut the outcome.
    return FhirResponse.raw(202, "application/fhir+json;charset=utf-8", fhir.encode(Format.JSON, outcome, false))
        .header("Content-Location", request.baseUrl() + "/_async/" + job);
  }

  private static void checkNames(OperationInput input, boolean lenient, List<ExportRequest.Issue> issues) {
    for (String name : input.names()) {
      if (!PARAMETERS.contains(name)) {
        String message = "$export has no parameter " + name;
        if (!lenient) {
          throw FhirException.badRequest(message + " (with Prefer: handling=lenient it is ignored).");
        }
        issues.add(new ExportRequest.Issue("warning", message + ": it was ignored."));
      }
    }
  }

  private static void checkFormat(String format) {
    if (format != null && !FORMATS.contains(format.toLowerCase(Locale.ROOT))) {
      throw FhirException.badRequest("_outputFormat '" + format + "' is not supported: this server writes"
          + " application/fhir+ndjson (also named application/ndjson and ndjson).");
    }
  }

  /**
   * What {@code includeAssociatedData} asks for: the exported resources' Provenance, all of it or the latest of
   * each; any other value (a server-defined {@code _} one) is a 400, or left out when lenient.
   */
  private static ExportRequest.Provenance associated(List<String> values, boolean lenient,
      List<ExportRequest.Issue> issues) {
    ExportRequest.Provenance provenance = null;
    for (String value : values) {
      if (value.equals("RelevantProvenanceResources")) {
        provenance = ExportRequest.Provenance.RELEVANT;
      } else if (value.equals("LatestProvenanceResources")) {
        provenance = provenance == null ? ExportRequest.Provenance.LATEST : provenance; // all of it holds the latest
      } else if (lenient) {
        issues.add(new ExportRequest.Issue("warning", "includeAssociatedData " + value + " is not supported: it"
            + " was left out."));
      } else {
        throw FhirException.badRequest("includeAssociatedData " + value + " is not supported: this server exports"
            + " RelevantProvenanceResources and LatestProvenanceResources (with Prefer: handling=lenient other"
            + " values are left out).");
      }
    }
    return provenance;
  }

  private static ExportRequest.Level level(FhirRequest request) {
    if (request.type() == null || request.type().startsWith("$")) {
      return ExportRequest.Level.SYSTEM;
    }
    return request.segments().size() == 3 ? ExportRequest.Level.GROUP : ExportRequest.Level.PATIENT;
  }

  /** An instant parameter as an ISO instant, or null. */
  private static String instant(OperationInput input, String name) {
    String value = input.single(name);
    if (value == null) {
      return null;
    }
    try {
      // A client that does not encode its URL (HAPI's does not) sends a time zone's '+' as a space.
      return Instant.ofEpochMilli(DateRange.parse(value.replace(' ', '+')).lo()).toString();
    } catch (IllegalArgumentException e) {
      throw FhirException.badRequest(name + " '" + value + "' is not an instant (such as 2024-05-01T12:00:00Z).");
    }
  }

  /** {@code _until}, or its older name {@code _till}; up to and including it. */
  private static String until(OperationInput input) {
    String until = instant(input, "_until");
    String till = instant(input, "_till");
    if (until != null && till != null && !until.equals(till)) {
      throw FhirException.badRequest("_until and _till name the same bound: give one, or the same instant.");
    }
    return until != null ? until : till;
  }

  private String container(String container) {
    if (container == null) {
      return null;
    }
    if (!config.toBlob()) {
      throw FhirException.badRequest("_container names a Blob container, but this server exports to local files"
          + " (it would need --export-blob).");
    }
    if (!ExportConfig.isContainerName(container)) {
      throw FhirException.badRequest("_container '" + container + "' is not a Blob container name: 3-63"
          + " lower-case letters, digits and single hyphens.");
    }
    return container;
  }

  /** The types asked for ({@code _type}), or every type; unknown ones are a 400, or left out when lenient. */
  private List<String> types(OperationInput input, boolean lenient, List<ExportRequest.Issue> issues) {
    List<String> named = input.list("_type");
    if (named.isEmpty()) {
      return new ArrayList<>(new TreeSet<>(fhir.resourceTypes()));
    }
    Set<String> types = new LinkedHashSet<>();
    for (String type : named) {
      if (fhir.isResourceType(type)) {
        types.add(type);
      } else if (lenient) {
        issues.add(new ExportRequest.Issue("warning", "_type " + type + " is not a resource type: it was left out."));
      } else {
        throw FhirException.badRequest("_type " + type + " is not a resource type (with Prefer: handling=lenient it"
            + " is left out).");
      }
    }
    if (types.isEmpty()) {
      throw FhirException.badRequest("_type names no resource type this server knows.");
    }
    return new ArrayList<>(types);
  }

  /**
   * At Patient and Group level, the types of the Patient compartment among those asked for (all of them when
   * {@code _type} was not given).
   */
  private List<String> inCompartment(List<String> asked, boolean typeGiven) {
    Set<String> compartment = new HashSet<>(compartments.params("Patient").keySet());
    compartment.add("Patient");
    List<String> types = asked.stream().filter(compartment::contains).toList();
    if (typeGiven && types.isEmpty()) {
      throw FhirException.badRequest("_type names no type of the Patient compartment, which a Patient or Group"
          + " export reads from.");
    }
    return types;
  }

  /** {@code _typeFilter}s by type, each checked as the export's scan will run it. */
  private Map<String, List<String>> typeFilters(OperationInput input, List<String> types, boolean lenient,
      String baseUrl, List<ExportRequest.Issue> issues) {
    Map<String, List<String>> filters = new LinkedHashMap<>();
    for (String filter : input.list("_typeFilter")) {
      int question = filter.indexOf('?');
      String type = question < 0 ? filter : filter.substring(0, question);
      if (question < 0 || !fhir.isResourceType(type)) {
        throw FhirException.badRequest("_typeFilter '" + filter + "' is not a search such as"
            + " Observation?category=laboratory (its own commas encoded as %2C).");
      }
      if (!types.contains(type)) {
        throw FhirException.badRequest("_typeFilter " + filter + " is of " + type + ", which the export does not"
            + " include.");
      }
      String query = filter.substring(question + 1);
      SearchQuery parsed = scans.filter(type, query, !lenient, baseUrl);
      parsed.ignored().forEach(ignored -> issues.add(new ExportRequest.Issue("warning",
          "_typeFilter " + filter + ": " + ignored.parameter() + " was left out: " + ignored.reason())));
      filters.computeIfAbsent(type, t -> new ArrayList<>()).add(scans.kept(type, query, parsed, baseUrl));
    }
    return filters;
  }

  /**
   * The patients whose compartments are exported: at Group level the Group's patient members that existed at
   * {@code sequence} (the others into {@code departed}, unless {@code patient} narrows the export), at Patient level
   * every patient (null); kept to those the caller may see, and to those of {@code patient} (POST only), which must
   * have existed.
   */
  private List<String> patients(FhirRequest request, OperationInput input, ExportRequest.Level level, long sequence,
      boolean lenient, List<ExportRequest.Issue> issues, List<String> departed) {
    Restriction restriction = request.restriction();
    List<String> members = restriction == null || restriction.within() == null ? null
        : restriction.within().stream().sorted().filter(id -> reaches(restriction, id)).toList();
    List<String> asked = input.list("patient");
    if (level == ExportRequest.Level.GROUP) {
      ExportPatients.Members group = patients.members(request.id(), sequence);
      issues.addAll(group.issues());
      // Members the caller may not see are left out unsaid: naming them would tell it they exist.
      List<String> visible = group.patients().stream().filter(id -> reaches(restriction, id)).toList();
      Set<String> existing = patients.existing(visible, sequence);
      issues.addAll(patients.missing(request.id(), visible, existing));
      // A member that was no patient at the sequence has no data exported as a member's: Microsoft's server, too,
      // exports only the members that resolve to existing patients.
      members = visible.stream().filter(existing::contains).toList();
      if (asked.isEmpty()) {
        visible.stream().filter(id -> !existing.contains(id)).forEach(departed::add);
      }
    }
    if (asked.isEmpty()) {
      return members;
    }
    if (level == ExportRequest.Level.SYSTEM || input.inQuery("patient")) {
      throw FhirException.badRequest("patient is taken in the Parameters body of a POST to Patient/$export or"
          + " Group/[id]/$export only.");
    }
    List<String> ids = new ArrayList<>();
    for (String reference : asked) {
      String id = reference.startsWith("Patient/") ? reference.substring("Patient/".length()) : "";
      if (!Fhir.isValidId(id)) {
        throw FhirException.badRequest("patient " + reference + " is not a reference such as Patient/123.");
      }
      ids.add(id);
    }
    Set<String> existing = new HashSet<>(patients.existing(ids, sequence));
    existing.removeIf(id -> !reaches(restriction, id)); // a patient the caller may not see is one not stored
    List<String> kept = new ArrayList<>();
    for (String id : ids) {
      String problem = !existing.contains(id) ? "is not stored on this server"
          : members != null && !members.contains(id) ? "is not a member of Group/" + request.id() : null;
      if (problem == null) {
        kept.add(id);
      } else if (lenient) {
        issues.add(new ExportRequest.Issue("warning", "patient Patient/" + id + " " + problem + ": left out."));
      } else {
        throw FhirException.badRequest("patient Patient/" + id + " " + problem + ".");
      }
    }
    return kept;
  }

  private static boolean reaches(Restriction restriction, String patient) {
    return restriction == null || restriction.reaches(Set.of(patient));
  }
}
