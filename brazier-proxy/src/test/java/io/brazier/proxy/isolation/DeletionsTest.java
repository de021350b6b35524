package io.brazier.proxy.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.proxy.access.Authorization;
import io.brazier.proxy.upstream.StubUpstream;
import io.brazier.server.Restriction;
import io.brazier.server.TestServer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where deleted resources lie for a restricted caller, read from the history of the test JVM's server as the proxy
 * reads it: where the version each deletion deleted did, whatever versions before it held; and a refusal (502) when
 * the server cannot give the history.
 */
class DeletionsTest {
  private static final IGenericClient CLIENT = TestServer.shared().client();
  private static final Deletions DELETIONS = new Deletions(new Membership(new FhirSearch(TestServer.shared().fhir())),
      new Lookup(TestServer.shared().api().client(Authorization.PROXY, ""), ""));
  private static String mine;
  private static String theirs;
  private static Restriction restriction;

  @BeforeAll
  static void load() {
    mine = CLIENT.create().resource(new Patient()).execute().getId().getIdPart();
    theirs = CLIENT.create().resource(new Patient()).execute().getId().getIdPart();
    restriction = Restriction.within("Patient", Set.of(mine));
  }

  @Test
  void aDeletionLiesWhereTheVersionItDeletedDid() {
    String myDeleted = deleted(created(mine));
    String theirDeleted = deleted(created(theirs));
    String movedToThemThenDeleted = created(mine);
    CLIENT.update().resource(observation(theirs).setId(movedToThemThenDeleted)).execute();
    deleted(movedToThemThenDeleted);

    assertThat(DELETIONS.reaches(restriction, "Observation", myDeleted)).isTrue();
    assertThat(DELETIONS.reaches(restriction, "Observation", theirDeleted)).isFalse();
    assertThat(DELETIONS.reaches(restriction, "Observation", movedToThemThenDeleted)).isFalse();
  }

  @Test
  void aDeletionNamedByItsVersionLiesWhereTheVersionBeforeItDid() {
    String movedToThemThenDeletedThenMine = deleted(created(theirs));
    CLIENT.update().resource(observation(mine).setId(movedToThemThenDeletedThenMine)).execute();

    assertThat(DELETIONS.reaches(restriction, "Observation", movedToThemThenDeletedThenMine, "2")).isFalse();
    assertThat(DELETIONS.reaches(restriction, "Observation", movedToThemThenDeletedThenMine)).isTrue();
    assertThat(DELETIONS.reaches(restriction, "Observation", deleted(created(mine)), "2")).isTrue();
    assertThat(DELETIONS.reaches(restriction, "Observation", movedToThemThenDeletedThenMine, "x")).isFalse();
  }

  @Test
  void aHistoryTheUpstreamCannotAnswerRefusesTheRequestRatherThanHidesTheResource() {
    try (StubUpstream failing = new StubUpstream(exchange -> StubUpstream.send(exchange, 500,
        "application/fhir+json", "{\"resourceType\":\"OperationOutcome\"}"))) {
      Deletions deletions = new Deletions(new Membership(new FhirSearch(TestServer.shared().fhir())), new Lookup(
          new HttpFhirClient(URI.create(failing.baseUrl()), Optional.empty(), Duration.ofSeconds(10)), ""));

      assertThatThrownBy(() -> deletions.reaches(restriction, "Observation", "o1"))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(502))
          .hasMessageContaining("status 500").hasMessageContaining("Observation/o1/_history");
      assertThatThrownBy(() -> deletions.reaches(restriction, "Observation", "o1", "3"))
          .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(502))
          .hasMessageContaining("status 500").hasMessageContaining("Observation/o1/_history/2");
    }
  }

  @Test
  void aDeletionOfATypeWithoutMembersLiesWithinReach() {
    assertThat(DELETIONS.reaches(restriction, "Practitioner", "never-stored")).isTrue();
  }

  private static String created(String patient) {
    return CLIENT.create().resource(observation(patient)).execute().getId().getIdPart();
  }

  private static String deleted(String observation) {
    CLIENT.delete().resourceById("Observation", observation).execute();
    return observation;
  }

  private static Observation observation(String patient) {
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("Patient/" + patient));
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    return observation;
  }
}
