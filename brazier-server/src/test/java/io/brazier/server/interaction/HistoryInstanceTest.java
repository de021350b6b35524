package io.brazier.server.interaction;

import static io.brazier.server.interaction.ReadTest.patient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.IHistoryTyped;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.brazier.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class HistoryInstanceTest {
  private static final String RENAME = "[{\"op\": \"replace\", \"path\": \"/name/0/family\", \"value\": \"Patched\"}]";
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void historyListsEveryVersionNewestFirstWithHowItWasWritten() {
    IIdType id = client.create().resource(patient("Ancestor")).execute().getId().toVersionless();
    client.update().resource(named(id, "Descendant")).execute();
    client.delete().resourceById(id).execute();

    Bundle history = history(id).execute();

    assertThat(history.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(
            tuple(HTTPVerb.DELETE, "Patient/" + id.getIdPart(), "204 No Content", null),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "200 OK", "W/\"2\""),
            tuple(HTTPVerb.POST, "Patient", "201 Created", "W/\"1\""));
    assertThat(history.getEntry()).allSatisfy(entry -> {
      assertThat(entry.getFullUrl()).isEqualTo(TestServer.shared().baseUrl() + "/Patient/" + id.getIdPart());
      assertThat(entry.getResponse().getLastModified()).isNotNull();
    });
    assertThat(history.getEntry().get(0).hasResource()).isFalse();
    assertThat(family(history.getEntry().get(1))).isEqualTo("Descendant");
    assertThat(family(history.getEntry().get(2))).isEqualTo("Ancestor");
    assertThat(history.getEntry().get(2).getResource().getMeta().getVersionId()).isEqualTo("1");
  }

  @Test
  void aResourceCreatedByUpdateSaysPutWithItsUrlInHistory() {
    Patient chosen = patient("Chosen");
    chosen.setId("chosen-" + System.nanoTime());
    IIdType id = client.update().resource(chosen).execute().getId().toVersionless();
    client.update().resource(named(id, "Chosen2")).execute();

    Bundle history = history(id).execute();

    assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "200 OK", "W/\"2\""),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "201 Created", "W/\"1\""));
  }

  @Test
  void aResourceCreatedAgainAfterItsDeletionSaysCreatedInHistory() {
    IIdType id = client.create().resource(patient("Phoenix")).execute().getId().toVersionless();
    client.delete().resourceById(id).execute();
    client.update().resource(named(id, "Phoenix2")).execute();
    client.update().resource(named(id, "Phoenix3")).execute();

    Bundle history = history(id).execute();

    assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "200 OK", "W/\"4\""),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "201 Created", "W/\"3\""),
            tuple(HTTPVerb.DELETE, "Patient/" + id.getIdPart(), "204 No Content", null),
            tuple(HTTPVerb.POST, "Patient", "201 Created", "W/\"1\""));
  }

  @Test
  void aTransactionsEntriesSayInHistoryHowTheyCreated() {
    String chosen = "in-bundle-" + System.nanoTime();
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction.addEntry().setResource(patient("Posted")).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
    transaction.addEntry().setResource(patient("Put").setId(chosen)).getRequest().setMethod(HTTPVerb.PUT)
        .setUrl("Patient/" + chosen);
    Bundle response = client.transaction().withBundle(transaction).execute();
    IdType posted = new IdType(response.getEntry().get(0).getResponse().getLocation()).toVersionless();

    BundleEntryComponent postedFirst = history(posted).execute().getEntry().get(0);
    BundleEntryComponent putFirst = history(new IdType("Patient", chosen)).execute().getEntry().get(0);

    assertThat(postedFirst.getRequest().getMethod()).isEqualTo(HTTPVerb.POST);
    assertThat(postedFirst.getRequest().getUrl()).isEqualTo("Patient");
    assertThat(putFirst.getRequest().getMethod()).isEqualTo(HTTPVerb.PUT);
    assertThat(putFirst.getRequest().getUrl()).isEqualTo("Patient/" + chosen);
  }

  @Test
  void aPatchSaysPatchInHistoryWhetherSentAloneOrInATransaction() {
    IIdType id = client.create().resource(patient("Patchy")).execute().getId().toVersionless();
    client.patch().withBody(RENAME).withId(id).execute();
    client.update().resource(named(id, "Patchy3")).execute();
    Binary patch = new Binary().setContentType("application/json-patch+json");
    patch.setData(RENAME.getBytes(StandardCharsets.UTF_8));
    Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    transaction.addEntry().setResource(patch).getRequest().setMethod(HTTPVerb.PATCH)
        .setUrl("Patient/" + id.getIdPart());
    client.transaction().withBundle(transaction).execute();

    Bundle history = history(id).execute();

    assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getStatus(), e -> e.getResponse().getEtag())
        .containsExactly(
            tuple(HTTPVerb.PATCH, "Patient/" + id.getIdPart(), "200 OK", "W/\"4\""),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "200 OK", "W/\"3\""),
            tuple(HTTPVerb.PATCH, "Patient/" + id.getIdPart(), "200 OK", "W/\"2\""),
            tuple(HTTPVerb.POST, "Patient", "201 Created", "W/\"1\""));
  }

  @Test
  void historyOfAnUnknownResourceIsNotFound() {
    assertThatThrownBy(() -> history(new IdType("Patient", "never-was")).execute())
        .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
  }

  @Test
  void pagesFollowTheNextLinkFromNewestToOldest() {
    IIdType id = versions("Paged", 7);

    List<String> versions = new ArrayList<>();
    Bundle page = history(id).count(3).execute();
    List<Integer> sizes = new ArrayList<>();
    while (true) {
      sizes.add(page.getEntry().size());
      page.getEntry().forEach(entry -> versions.add(entry.getResource().getMeta().getVersionId()));
      if (page.getLink(Bundle.LINK_NEXT) == null) {
        break;
      }
      page = client.loadPage().next(page).execute();
    }

    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(versions).containsExactly("7", "6", "5", "4", "3", "2", "1");
  }

  @Test
  void sinceKeepsTheVersionsUpdatedAtOrAfterIt() {
    IIdType id = versions("Since", 4);
    Date third = read(id, "3").getMeta().getLastUpdated();

    Bundle history = history(id).since(third).execute();

    assertThat(history.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId()).containsExactly("4", "3");
  }

  @Test
  void atGivesTheVersionsCurrentDuringThatTime() {
    IIdType id = versions("At", 4);
    Date second = read(id, "2").getMeta().getLastUpdated();
    Date third = read(id, "3").getMeta().getLastUpdated();

    Bundle atSecond = history(id).at(new DateRangeParam(second, second)).execute();
    Bundle fromThird = history(id).at(new DateRangeParam(third, null)).execute();
    Bundle thisYear = page("Patient/" + id.getIdPart() + "/_history?_at=" + Year.now(ZoneOffset.UTC));
    Bundle longAgo = page("Patient/" + id.getIdPart() + "/_history?_at=2001");

    assertThat(atSecond.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId()).containsExactly("2");
    assertThat(fromThird.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId())
        .containsExactly("4", "3");
    assertThat(thisYear.getEntry()).hasSizeGreaterThanOrEqualTo(1);
    assertThat(longAgo.getEntry()).isEmpty();
  }

  @Test
  void malformedParametersAreBadRequests() {
    IIdType id = client.create().resource(patient("Malformed")).execute().getId().toVersionless();
    String history = "Patient/" + id.getIdPart() + "/_history";

    for (String query : List.of("_since=yesterday", "_since=2024-13-01", "_at=ne2024", "_at=2024-05-01T10:00",
        "_count=many", "_count=0", "_count=-5", "_cursor=not-a-cursor", "_cursor=1.2")) {
      assertThatThrownBy(() -> page(history + "?" + query)).as(query)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
    }
  }

  private IHistoryTyped<Bundle> history(IIdType id) {
    return client.history().onInstance(id).returnBundle(Bundle.class);
  }

  private Bundle page(String relativeUrl) {
    return client.loadPage().byUrl(TestServer.shared().baseUrl() + "/" + relativeUrl).andReturnBundle(Bundle.class)
        .execute();
  }

  /** A patient with {@code count} versions. */
  private IIdType versions(String family, int count) {
    IIdType id = client.create().resource(patient(family)).execute().getId().toVersionless();
    for (int version = 2; version <= count; version++) {
      client.update().resource(named(id, family + version)).execute();
    }
    return id;
  }

  private Patient read(IIdType id, String version) {
    return client.read().resource(Patient.class).withIdAndVersion(id.getIdPart(), version).execute();
  }

  private static Patient named(IIdType id, String family) {
    Patient patient = patient(family);
    patient.setId(id.getIdPart());
    return patient;
  }

  private static String family(BundleEntryComponent entry) {
    return ((Patient) entry.getResource()).getNameFirstRep().getFamily();
  }
}
