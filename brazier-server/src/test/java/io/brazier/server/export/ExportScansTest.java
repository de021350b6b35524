package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store scans of an export, run against the store: a type's {@code _typeFilter}s are either-or, {@code _since}
 * and the patients' compartments keep to what they name, a page at a time; and a {@code _typeFilter} the scan could
 * not run is a 400 that names it.
 */
class ExportScansTest {
  private static TestServer server;
  private static FhirSearch search;
  private static ExportScans scans;

  @BeforeAll
  static void start() {
    server = TestServer.shared();
    search = new FhirSearch(server.fhir());
    scans = new ExportScans(search, new StoredTerminology(server.store(), server.fhir()), 1);
  }

  @Test
  void aTypesFiltersAreEitherOrAndKeptToThePatientsCompartments() {
    String patient = put("Patient", "{\"resourceType\":\"Patient\"}");
    String other = put("Patient", "{\"resourceType\":\"Patient\"}");
    String a = observation(patient, "A");
    String b = observation(patient, "B");
    observation(patient, "C");
    observation(other, "A");
    ExportRequest request = Requests.of(ExportRequest.Level.PATIENT, List.of(patient), List.of("Observation"),
        Map.of("Observation", List.of("code=urn:test|A", "code=urn:test|B")), server.store().watermark());

    assertThat(ids(scans.of(request, "Observation", null))).containsExactlyInAnyOrder(a, b);
  }

  @Test
  void sinceKeepsToWhatChangedFromThenAsOfTheExportsSequence() {
    String patient = put("Patient", "{\"resourceType\":\"Patient\"}");
    observation(patient, "A");
    LockSupport.parkNanos(5_000_000);
    // To the millisecond, as writes are stamped: one in the same millisecond is then not before it.
    Instant since = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    String changed = observation(patient, "B");
    long sequence = server.store().watermark();
    observation(patient, "C"); // after the export's sequence
    ExportRequest request = Requests.since(Requests.of(ExportRequest.Level.PATIENT, List.of(patient),
        List.of("Observation"), Map.of(), sequence), since.toString());

    assertThat(ids(scans.of(request, "Observation", null))).containsExactly(changed);
  }

  @Test
  void aGroupWithoutPatientMembersHasNothingToScanAndASystemExportScansTheWholeType() {
    ExportRequest group = Requests.of(ExportRequest.Level.GROUP, List.of(), List.of("Observation"), Map.of(), 1);
    ExportRequest system = Requests.of(ExportRequest.Level.SYSTEM, null, List.of("Observation"), Map.of(), 1);

    assertThat(scans.of(group, "Observation", null)).isNull();
    assertThat(scans.among(group, "Observation", List.of("x"))).isNull();
    assertThat(scans.of(system, "Observation", null).query()).as("no criteria").isNull();
  }

  @Test
  void aTypeFilterThatWouldShapeTheOutputIsRefusedNamingIt() {
    for (String query : List.of("_include=Observation:subject", "_sort:desc=date", "_count=5", "_elements=id")) {
      String name = query.substring(0, query.indexOf('='));
      assertThatThrownBy(() -> scans.filter("Observation", query, true, server.baseUrl()))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessage("_typeFilter Observation?" + query + " may not hold " + name + ": a _typeFilter selects"
              + " resources, and the export decides what it writes.");
    }
  }

  @Test
  void aTypeFilterTheScanCannotRunIsA400NamingIt() {
    assertThatThrownBy(() -> scans.filter("Observation", "subject.name=peter", true, server.baseUrl()))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("_typeFilter Observation?subject.name=peter: Chained parameters");
    assertThatThrownBy(() -> scans.filter("Observation", "colour=red", true, server.baseUrl()))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("_typeFilter Observation?colour=red: ");
    assertThat(scans.filter("Observation", "colour=red", false, server.baseUrl()).ignored())
        .as("lenient: left out").extracting(ignored -> ignored.parameter()).containsExactly("colour");
  }

  @Test
  void whatALenientKickOffLeftOutIsNotKept() {
    String query = "colour=red&code=urn:test|A&colour=blue";

    String kept = scans.kept("Observation", query, scans.filter("Observation", query, false, server.baseUrl()),
        server.baseUrl());

    assertThat(kept).isEqualTo("code=urn:test|A");
    assertThat(scans.kept("Observation", "code=urn:test|A", scans.filter("Observation", "code=urn:test|A", false,
        server.baseUrl()), server.baseUrl())).isEqualTo("code=urn:test|A");
  }

  @Test
  void aLenientExportFailsRatherThanWidenWhenAFiltersParameterIsDisabledAfterKickOff() {
    String url = "https://example.org/fhir/SearchParameter/kind";
    FhirSearch own = new FhirSearch(server.fhir()); // a registry of this test's, for the parameter it disables
    own.parameters().replaceStored(List.of(new SearchParameter().setUrl(url).setName("kind").setCode("kind")
        .setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.TOKEN).setExpression("Basic.code")
        .addBase("Basic")));
    ExportScans ownScans = new ExportScans(own, new StoredTerminology(server.store(), server.fhir()), 1);
    ExportRequest request = Requests.lenient(Requests.of(ExportRequest.Level.SYSTEM, null, List.of("Basic"),
        Map.of("Basic", List.of("kind=urn:test|A")), 1));
    assertThat(ownScans.of(request, "Basic", null).query()).as("kept to the filter").isNotNull();

    own.parameters().disable(Set.of(url));

    assertThatThrownBy(() -> ownScans.of(request, "Basic", null))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageStartingWith("_typeFilter Basic?kind=urn:test|A: Search parameter 'kind' is not known");
  }

  /** The ids a scan serves, read a page at a time as an export reads them. */
  private static List<String> ids(AsOfScan first) {
    List<String> ids = new ArrayList<>();
    int pages = 0;
    for (AsOfScan scan = first; scan != null; pages++) {
      ScanPage page = server.store().scan(scan, search);
      page.versions().stream().map(ResourceVersion::id).forEach(ids::add);
      scan = page.next() == null ? null : scan.after(page.next());
    }
    assertThat(pages).as("pages of one resource").isGreaterThanOrEqualTo(ids.size());
    return ids;
  }

  private static String observation(String patient, String code) {
    return put("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{"
        + "\"system\":\"urn:test\",\"code\":\"" + code + "\"}]},\"subject\":{\"reference\":\"Patient/" + patient
        + "\"}}");
  }

  /** Stores a resource under an id of its own; the id. */
  private static String put(String type, String json) {
    String id = "export-scans-" + UUID.randomUUID();
    Http.Response stored = server.http().put("/fhir/" + type + "/" + id,
        json.replaceFirst("\\{", "{\"id\":\"" + id + "\","));
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    return id;
  }
}
