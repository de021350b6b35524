package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.server.TestServer;
import io.brazier.testkit.ClosedPort;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Substance;
import org.junit.jupiter.api.Test;

/** Reading resources as they are now from a real Brazier, over HTTP. */
class ResourcesTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Resources resources = new Resources(new HttpFhirClient(URI.create(server.baseUrl()),
      Optional.empty(), Duration.ofSeconds(30)));

  @Test
  void theCurrentVersionOfAResourceIsReadById() throws Exception {
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    client.update().resource(new Patient().setActive(false).setId(id)).execute();

    ObjectNode patient = resources.current("Patient", id);

    assertThat(patient.path("id").asText()).isEqualTo(id);
    assertThat(patient.path("active").asBoolean()).isFalse();
    assertThat(patient.path("meta").path("versionId").asText()).isEqualTo("2");
  }

  @Test
  void anEarlierVersionIsReadByItsNumberAndOneThatIsNotThereIsNull() throws Exception {
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    client.update().resource(new Patient().setActive(false).setId(id)).execute();

    ObjectNode first = resources.version("Patient", id, 1);

    assertThat(first.path("active").asBoolean()).isTrue();
    assertThat(first.path("meta").path("versionId").asText()).isEqualTo("1");
    assertThat(resources.version("Patient", id, 3)).isNull();
  }

  @Test
  void resourcesAreReadAsTheyAreNowAndSearchedPageByPage() throws Exception {
    IIdType kept = client.create().resource(new Patient().setActive(true)).execute().getId();
    IIdType gone = client.create().resource(new Patient()).execute().getId();
    client.delete().resourceById(gone.toUnqualifiedVersionless()).execute();

    assertThat(resources.current("Patient", kept.getIdPart()).path("active").asBoolean()).isTrue();
    assertThat(resources.current("Patient", gone.getIdPart())).isNull();
    assertThat(resources.current("Patient", "never-there")).isNull();

    Resources.Page first = resources.search("Patient?_sort=_lastUpdated&_count=1");
    Resources.Page second = resources.search(first.next());
    assertThat(first.resources()).hasSize(1);
    assertThat(second.resources()).hasSize(1);
    assertThat(List.of(first.resources().get(0).path("id"), second.resources().get(0).path("id")))
        .doesNotHaveDuplicates();
    assertThat(resources.count("Patient")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aSearchIsReadPageByPageToTheLastWithEveryResourceOnce() throws Exception {
    String system = "urn:test:" + UUID.randomUUID();
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(client.create().resource(identified(system, "v" + i)).execute().getId().getIdPart());
    }

    List<Resources.Page> pages = all("Patient?identifier=" + system + "|&_count=2");

    assertThat(pages).hasSize(3);
    assertThat(pages).flatExtracting(Resources.Page::resources).extracting(patient -> patient.path("id").asText())
        .containsExactlyInAnyOrderElementsOf(created);
    assertThat(pages.get(1).next()).startsWith("Patient?identifier=" + system + "|&_count=2&_cursor=");
  }

  @Test
  void aBareTypeIsFollowedToItsLastPage() throws Exception {
    List<String> created = new ArrayList<>();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (int i = 0; i < 41; i++) { // three pages of the server's default size, 20
      String id = "resources-test-" + UUID.randomUUID();
      created.add(id);
      transaction.addEntry().setResource(new Substance().setCode(new CodeableConcept().setText("salt")).setId(id))
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT).setUrl("Substance/" + id);
    }
    client.transaction().withBundle(transaction).execute();

    List<Resources.Page> pages = all("Substance");

    assertThat(pages).hasSizeGreaterThanOrEqualTo(3);
    assertThat(pages).flatExtracting(Resources.Page::resources).extracting(substance -> substance.path("id").asText())
        .containsAll(created).doesNotHaveDuplicates();
  }

  @Test
  void resourcesAnIncludeBringsAreNotPartOfThePage() throws Exception {
    String patient = client.create().resource(new Patient()).execute().getId().getIdPart();
    String observation = client.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse"))
        .setSubject(new Reference("Patient/" + patient))).execute().getId().getIdPart();

    Resources.Page page = resources.search("Observation?_id=" + observation + "&_include=Observation:subject");

    assertThat(page.resources()).extracting(resource -> resource.path("resourceType").asText() + "/"
        + resource.path("id").asText()).containsExactly("Observation/" + observation);
    assertThat(page.next()).isNull();
  }

  @Test
  void aCountIsTheSearchesTotalWithOrWithoutParameters() throws Exception {
    String system = "urn:test:" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      client.create().resource(identified(system, "v" + i)).execute();
    }

    assertThat(resources.count("Patient?identifier=" + system + "|")).isEqualTo(3);
    assertThat(resources.count("Patient")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aSearchTheServerRefusesSaysWhatItAnsweredAndIsNotWorthRetrying() {
    assertThatThrownBy(() -> resources.search("Patient?birthdate=yesterday"))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("GET Patient?birthdate=yesterday answered 400: ")
              .contains("yesterday");
        });
  }

  @Test
  void anUnreachableServerIsATransientFailureNamingIt() {
    String nowhere = ClosedPort.url("/fhir").toString();
    Resources unreachable = new Resources(new HttpFhirClient(URI.create(nowhere), Optional.empty(),
        Duration.ofSeconds(5)));

    assertThatThrownBy(() -> unreachable.current("Patient", "1"))
        .isInstanceOfSatisfying(SourceException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.getMessage()).startsWith("The FHIR server " + nowhere + " could not be reached");
        });
  }

  private static Patient identified(String system, String value) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(system).setValue(value);
    return patient;
  }

  /** Every page of a search, following each page's next. */
  private List<Resources.Page> all(String search) throws SourceException {
    List<Resources.Page> pages = new ArrayList<>();
    String url = search;
    while (url != null) {
      Resources.Page page = resources.search(url);
      pages.add(page);
      url = page.next();
    }
    return pages;
  }
}
