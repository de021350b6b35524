package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminologyTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** {@code _filter} through HTTP: with the other search parameters, paging and includes, and its bad inputs. */
class SearchFilterTest {
  private final IGenericClient client = TestServer.shared().client();
  private final String tag = UUID.randomUUID().toString();

  @Test
  void aFilterCombinesWithParametersSortPagingIncludesAndCounts() {
    String filtered = create(SearchTypeTest.patient("Filtered", "Fay"));
    String other = create(SearchTypeTest.patient("Other", "Oscar"));
    String early = create(observation(filtered, "2020-01-01", "final"));
    String late = create(observation(filtered, "2021-01-01", "final"));
    create(observation(filtered, "2022-01-01", "preliminary"));
    create(observation(other, "2023-01-01", "final"));

    Bundle first = search("Observation?status=final&_sort=-date&_count=1&_include=Observation:subject&_filter="
        + encode("subject.family eq \"filtered\" or date lt 2019"));
    Bundle second = client.loadPage().next(first).execute();
    Bundle count = search("Observation?_summary=count&_filter=" + encode("subject.family eq filtered"));

    assertThat(first.getTotal()).isEqualTo(2);
    assertThat(ids(first, SearchEntryMode.MATCH)).containsExactly(late);
    assertThat(ids(first, SearchEntryMode.INCLUDE)).containsExactly(filtered);
    assertThat(ids(second, SearchEntryMode.MATCH)).containsExactly(early);
    assertThat(count.getTotal()).isEqualTo(3);
    assertThat(count.getEntry()).isEmpty();
  }

  @Test
  void tokenOperatorsInNiSsAndSbUseTheServersTerminology() {
    String system = "http://example.org/cs/animals-" + tag;
    String valueSet = "http://example.org/vs/pets-" + tag;
    StoredTerminologyTest.store(client, system, valueSet);
    String dog = create(coded(system, "dog"));
    String parrot = create(coded(system, "parrot"));
    String bird = create(coded(system, "bird"));

    assertThat(matches("Observation?_filter=" + encode("code in " + valueSet))).containsExactlyInAnyOrder(dog, parrot);
    assertThat(matches("Observation?_filter=" + encode("code ni " + valueSet))).containsExactly(bird);
    assertThat(matches("Observation?_filter=" + encode("code sb " + system + "|bird")))
        .containsExactlyInAnyOrder(bird, parrot);
    assertThat(matches("Observation?_filter=" + encode("code ss " + system + "|dog"))).containsExactly(dog);
  }

  @Test
  void aBrokenFilterIsA400ThatSaysWhereEvenInLenientMode() {
    assertBadFilter("Patient", "family eq", "at character 10 (the end): expected a value");
    assertBadFilter("Patient", "nonsense eq 1", "at character 1 ('nonsense eq 1'): Search parameter 'nonsense'"
        + " is not known");
    assertBadFilter("Patient", "gender eq male and birthdate co 2020", "at character 20 ('birthdate co 2020'):"
        + " the operator co does not apply to date parameter birthdate; it takes eq, ne");
    assertBadFilter("Patient", "birthdate eq yesterday", "at character 1");
    assertBadFilter("Patient", "family[given eq x].family eq y", "Chained parameter family is not a reference");
    assertBadFilter("Patient", "(family eq \"unclosed)", "no closing '\"'");
    assertBadFilter("Patient", "identifier pr maybe", "pr takes true or false");
    assertBadFilter("Patient", "_has eq x", "cannot be used inside _filter");
  }

  @Test
  void countTotalsAreEstimatedAccurateOrLeftOutAsAsked() {
    for (int i = 0; i < 3; i++) {
      create(SearchTypeTest.patient("Totalled", "T" + i));
    }

    Bundle accurate = search("Patient?family=totalled&_summary=count&_total=accurate");
    Bundle estimate = search("Patient?family=totalled&_summary=count&_total=estimate");
    Bundle none = search("Patient?family=totalled&_summary=count&_total=none");

    assertThat(accurate.getTotal()).isEqualTo(3);
    assertThat(estimate.hasTotal()).isTrue();
    assertThat(estimate.getTotal()).isGreaterThanOrEqualTo(0);
    assertThat(none.hasTotal()).isFalse();
  }

  @Test
  void aServerWithASmallMaximumPageSizeCapsPagesAndSaysSo() {
    for (int i = 0; i < 5; i++) {
      create(SearchTypeTest.patient("Capped", "C" + i));
    }
    ServerConfig config = ServerConfig.builder().pageSize(2).maxPageSize(3).build();

    try (TestServer capped = TestServer.onSharedStore(config)) {
      Bundle page = capped.client().search().byUrl("Patient?family=capped&_count=10&_tag=http://brazier.test/tag|"
          + tag).returnBundle(Bundle.class).execute();
      Bundle standard = capped.client().search().byUrl("Patient?family=capped&_tag=http://brazier.test/tag|" + tag)
          .returnBundle(Bundle.class).execute();

      assertThat(ids(page, SearchEntryMode.MATCH)).hasSize(3);
      assertThat(page.getEntry()).filteredOn(e -> e.getResource() instanceof OperationOutcome)
          .singleElement().satisfies(e -> assertThat(((OperationOutcome) e.getResource()).getIssueFirstRep()
              .getDiagnostics()).contains("_count 10", "pages hold 3"));
      assertThat(page.getLink(Bundle.LINK_NEXT).getUrl()).contains("_count=3");
      assertThat(ids(standard, SearchEntryMode.MATCH)).hasSize(2);
    }
    assertThatThrownBy(() -> ServerConfig.builder().pageSize(20).maxPageSize(10).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--max-page-size");
  }

  private void assertBadFilter(String type, String filter, String message) {
    assertThatThrownBy(() -> search(type + "?_filter=" + encode(filter)))
        .as(filter)
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
            .startsWith("_filter, at character").contains(message));
  }

  private String create(Resource resource) {
    resource.getMeta().addTag("http://brazier.test/tag", tag, null);
    return client.create().resource(resource).execute().getId().getIdPart();
  }

  private Bundle search(String query) {
    return client.search().byUrl(query + "&_tag=http://brazier.test/tag|" + tag).returnBundle(Bundle.class)
        .execute();
  }

  private List<String> matches(String query) {
    return ids(search(query), SearchEntryMode.MATCH);
  }

  private static List<String> ids(Bundle bundle, SearchEntryMode mode) {
    return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == mode)
        .map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static String encode(String filter) {
    return URLEncoder.encode(filter, StandardCharsets.UTF_8);
  }

  private static Observation observation(String patient, String date, String status) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.fromCode(status));
    observation.getCode().setText("weight");
    observation.setSubject(new Reference("Patient/" + patient)).setEffective(new DateTimeType(date));
    return observation;
  }

  private static Observation coded(String system, String code) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().addCoding().setSystem(system).setCode(code);
    return observation;
  }
}
