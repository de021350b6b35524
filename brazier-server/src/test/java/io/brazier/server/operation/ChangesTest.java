package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import io.brazier.server.TestServer;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class ChangesTest {
  private final IGenericClient client = TestServer.shared().client();

  @Test
  void theFeedListsEachWriteOldestFirstWithItsSequence() {
    long start = end();
    IIdType id = client.create().resource(patient("Fed")).execute().getId().toVersionless();
    Patient update = patient("Fed2");
    update.setId(id.getIdPart());
    client.update().resource(update).execute();
    client.delete().resourceById(id).execute();

    Bundle feed = changes(start, 10);

    assertThat(feed.getType()).isEqualTo(Bundle.BundleType.HISTORY);
    assertThat(feed.getEntry()).extracting(e -> e.getRequest().getMethod(), e -> e.getRequest().getUrl(),
            e -> e.getResponse().getEtag(), BundleEntryComponent::getFullUrl)
        .containsExactly(
            tuple(HTTPVerb.POST, "Patient", "W/\"1\"", TestServer.shared().baseUrl() + "/Patient/" + id.getIdPart()),
            tuple(HTTPVerb.PUT, "Patient/" + id.getIdPart(), "W/\"2\"",
                TestServer.shared().baseUrl() + "/Patient/" + id.getIdPart()),
            tuple(HTTPVerb.DELETE, "Patient/" + id.getIdPart(), null,
                TestServer.shared().baseUrl() + "/Patient/" + id.getIdPart()));
    assertThat(feed.getEntry()).allSatisfy(entry -> {
      assertThat(entry.hasResource()).isFalse();
      assertThat(entry.getResponse().getLastModified()).isNotNull();
    });
    assertThat(feed.getEntry()).extracting(ChangesTest::sequence).isSorted().doesNotHaveDuplicates()
        .allSatisfy(sequence -> assertThat(sequence).isGreaterThan(start));
  }

  @Test
  void theNextLinkResumesAfterTheLastSequenceAndStaysWhenCaughtUp() {
    long start = end();
    for (int i = 0; i < 3; i++) {
      client.create().resource(patient("Next" + i)).execute();
    }

    Bundle first = changes(start, 2);
    Bundle second = client.loadPage().next(first).execute();
    Bundle caughtUp = client.loadPage().next(second).execute();

    assertThat(first.getEntry()).hasSize(2);
    assertThat(second.getEntry()).hasSize(1);
    assertThat(sequence(second.getEntry().get(0))).isGreaterThan(sequence(first.getEntry().get(1)));
    assertThat(caughtUp.getEntry()).isEmpty();
    assertThat(caughtUp.getLink(Bundle.LINK_NEXT).getUrl()).contains("since=" + sequence(second.getEntry().get(0)));
  }

  @Test
  void badSinceOrCountIsABadRequest() {
    for (String query : List.of("since=-1", "since=latest", "since=1.5", "_count=0", "_count=lots")) {
      assertThatThrownBy(() -> page("$changes?" + query)).as(query)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.getOperationOutcome()).isNotNull());
    }
  }

  @Test
  void theFeedIsReadOnly() {
    assertThatThrownBy(() -> client.operation().onServer().named("$changes").withNoParameters(Parameters.class)
        .execute())
        .isInstanceOf(MethodNotAllowedException.class);
  }

  private Bundle changes(long since, int count) {
    return client.operation().onServer().named("$changes")
        .withParameter(Parameters.class, "since", new DecimalType(since))
        .andParameter("_count", new IntegerType(count))
        .useHttpGet().returnResourceType(Bundle.class).execute();
  }

  private Bundle page(String relativeUrl) {
    return client.loadPage().byUrl(TestServer.shared().baseUrl() + "/" + relativeUrl).andReturnBundle(Bundle.class)
        .execute();
  }

  /** The sequence of the newest change: follows the feed until it has caught up. */
  private long end() {
    Bundle page = page("$changes?_count=1000");
    long last = 0;
    while (!page.getEntry().isEmpty()) {
      last = sequence(page.getEntry().get(page.getEntry().size() - 1));
      page = client.loadPage().next(page).execute();
    }
    return last;
  }

  private static Patient patient(String family) {
    Patient patient = new Patient();
    patient.addName().setFamily(family);
    return patient;
  }

  private static long sequence(BundleEntryComponent entry) {
    return ((DecimalType) entry.getExtensionByUrl(Changes.SEQUENCE).getValue()).getValue().longValueExact();
  }
}
