package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.ProcessorConfig;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.SecuredServer;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code date-sort} on a secured server that runs it before its own sorting: a patient's encounters, written in an
 * order that is neither their dates' nor its reverse, sorted by {@code date} (their period) both ways.
 */
class DateSortTest {
  private static final SecuredServer SERVER = SecuredServer.start(new ProcessorConfig(List.of("date-sort"),
      List.of(), null, Map.of()));
  private static final IGenericClient CLIENT = SERVER.client("Writer", "Reader");
  private static final List<String> WRITTEN = List.of("2019-05-01", "2001-02-03", "2024-11-30", "2010-07-14",
      "2015-01-01", "1999-12-31", "2022-06-15");
  private static String patient;

  @BeforeAll
  static void write() {
    patient = CLIENT.create().resource(new Patient()).execute().getId().getIdPart();
    for (String start : WRITTEN) {
      Encounter encounter = new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
          .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
          .setSubject(new Reference("Patient/" + patient));
      encounter.getPeriod().setStartElement(new DateTimeType(start + "T10:00:00Z"));
      CLIENT.create().resource(encounter).execute();
    }
    CLIENT.create().resource(new Encounter().setStatus(Encounter.EncounterStatus.PLANNED)
        .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
        .setSubject(new Reference("Patient/" + patient))).execute();
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @Test
  void everyMatchComesInOnePageSortedByItsDateEitherWayThoseWithoutOneLast() {
    List<String> sorted = WRITTEN.stream().sorted().toList();
    List<String> reversed = WRITTEN.stream().sorted(Comparator.reverseOrder()).toList();

    Bundle ascending = search("Encounter?subject=Patient/" + patient + "&_sort=date&_count=3");
    Bundle descending = search("Encounter?subject=Patient/" + patient + "&_sort=-date");

    assertThat(ascending.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(ascending.getTotal()).isEqualTo(WRITTEN.size() + 1);
    assertThat(starts(ascending)).containsExactlyElementsOf(withNullLast(sorted));
    assertThat(starts(descending)).containsExactlyElementsOf(withNullLast(reversed));
  }

  @Test
  void aSortByAnotherParameterGoesToTheServerAsItIs() {
    Bundle byId = search("Encounter?subject=Patient/" + patient + "&_sort=_id&_count=3");

    assertThat(byId.getLink(Bundle.LINK_NEXT)).as("the server's own paging").isNotNull();
    assertThat(byId.getEntry()).hasSize(3);
  }

  @Test
  void moreMatchesThanItSortsIsRefusedRatherThanShortened() {
    DateSort sort = new DateSort(TestServer.shared().fhir(), WRITTEN.size() - 1);
    TestServer upstream = TestServer.shared();
    ProxyRequest request = new ProxyRequest("GET", List.of("Encounter"), Map.of("subject",
        List.of("Patient/" + patient), "_sort", List.of("date")), name -> null, null, Caller.ANONYMOUS,
        upstream.baseUrl(), upstream.api().client(Caller.system("urn:test"), upstream.baseUrl()), null, null);

    assertThatThrownBy(() -> sort.before(request)).isInstanceOfSatisfying(FhirException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.outcome().getIssueFirstRep().getDiagnostics()).contains("more than " + (WRITTEN.size() - 1));
    });
  }

  private static Bundle search(String url) {
    return CLIENT.search().byUrl(SERVER.baseUrl() + "/" + url).returnBundle(Bundle.class).execute();
  }

  private static List<String> withNullLast(List<String> dates) {
    List<String> all = new ArrayList<>(dates);
    all.add(null);
    return all;
  }

  /** The start date of each encounter of the page, null for none. */
  private static List<String> starts(Bundle bundle) {
    List<String> starts = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Encounter encounter = (Encounter) entry.getResource();
      starts.add(encounter.getPeriod().hasStart() ? encounter.getPeriod().getStartElement().getValueAsString()
          .substring(0, 10) : null);
    }
    return starts;
  }
}
