package io.brazier.server.interaction;

import static io.brazier.server.interaction.ReadTest.patient;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class HistoryTypeTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void typeHistoryListsTheVersionsOfThatTypeOnlyNewestFirst() {
    IIdType first = create(patient("Typed"));
    Date start = lastUpdated(first);
    create(new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setCode(new CodeableConcept().setText("pulse")));
    client.update().resource(patient("Typed2").setId(first.getIdPart())).execute();
    IIdType second = create(patient("Typed3"));

    Bundle history = client.history().onType(Patient.class).returnBundle(Bundle.class).since(start).execute();

    assertThat(history.getEntry()).extracting(HistoryTypeTest::versionedId).containsExactly(
        second.getIdPart() + "/1", first.getIdPart() + "/2", first.getIdPart() + "/1");
  }

  @Test
  void pagingThroughATypeSeesEveryVersionOnceNewestFirst() {
    List<String> created = new ArrayList<>();
    Date start = null;
    for (int i = 0; i < 5; i++) {
      IIdType id = create(patient("Pager" + i));
      start = start == null ? lastUpdated(id) : start;
      created.add(0, id.getIdPart() + "/1");
    }

    List<String> seen = new ArrayList<>();
    Bundle page = client.history().onType(Patient.class).returnBundle(Bundle.class).since(start).count(2).execute();
    while (page != null) {
      page.getEntry().forEach(entry -> seen.add(versionedId(entry)));
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }

    assertThat(seen).containsExactlyElementsOf(created);
  }

  @Test
  void xmlAndElementsRenderTheStoredResourcesOfEachEntry() {
    IIdType id = create(patient("Rendered").setGender(AdministrativeGender.FEMALE));
    String since = URLEncoder.encode(new InstantType(lastUpdated(id)).getValueAsString(), StandardCharsets.UTF_8);

    Bundle xml = client.history().onType(Patient.class).returnBundle(Bundle.class).since(lastUpdated(id))
        .encodedXml().execute();
    Bundle elements = client.loadPage().byUrl(TestServer.shared().baseUrl() + "/Patient/_history?_elements=gender"
        + "&_since=" + since).andReturnBundle(Bundle.class).execute();

    Patient fromXml = (Patient) xml.getEntryFirstRep().getResource();
    assertThat(fromXml.getNameFirstRep().getFamily()).isEqualTo("Rendered");
    Patient trimmed = (Patient) elements.getEntryFirstRep().getResource();
    assertThat(trimmed.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    assertThat(trimmed.hasName()).isFalse();
    assertThat(elements.getEntryFirstRep().getRequest().getUrl()).isEqualTo("Patient");
  }

  private IIdType create(Resource resource) {
    return client.create().resource(resource).execute().getId().toVersionless();
  }

  private Date lastUpdated(IIdType id) {
    return client.read().resource(id.getResourceType()).withId(id.getIdPart()).execute().getMeta().getLastUpdated();
  }

  static String versionedId(BundleEntryComponent entry) {
    return entry.getResource().getIdElement().getIdPart() + "/" + entry.getResource().getMeta().getVersionId();
  }
}
