package io.brazier.server.interaction;

import static io.brazier.server.interaction.TransactionTest.patient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import io.brazier.server.Interceptor;
import io.brazier.server.ServerConfig;
import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.TestServer;
import io.brazier.testkit.Parallel;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes of one resource that race on two nodes, whose turns ({@code ResourceLocks}) are each their own: without
 * If-Match, a write that loses the race is prepared again on the new current version, so none is lost; with
 * If-Match, only the first write of the version named wins and the others are 412s that write nothing. What a write
 * stores besides its resource (a placeholder) is held to the caller's reach too, before anything is written.
 */
class CommitsTest {
  private static final int WRITERS = 8;

  private static final Interceptor isolation = new PatientHeader();

  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() {
    a = TestServer.shared();
    b = a.secondNode();
  }

  @AfterAll
  static void stop() {
    b.close();
  }

  @Test
  void updatesRacingOnTwoNodesAreAllKeptEachAsAVersionOfItsOwn() throws Exception {
    String id = a.client().create().resource(patient("Racer")).execute().getId().getIdPart();

    Parallel.Run<String> run = Parallel.run(WRITERS, 1, (thread, step) -> {
      IGenericClient client = (thread % 2 == 0 ? a : b).client();
      Patient update = patient("Racer" + thread);
      update.setId(id);
      return client.update().resource(update).execute().getId().getVersionIdPart();
    });

    assertThat(run.mostAtOnce()).as("writers overlapped").isGreaterThan(1);
    assertThat(run.results()).as("each update's version").containsExactlyInAnyOrderElementsOf(
        IntStream.rangeClosed(2, WRITERS + 1).mapToObj(Integer::toString).toList());
    Bundle history = b.client().history().onInstance("Patient/" + id).returnBundle(Bundle.class).execute();
    assertThat(history.getEntry()).extracting(entry -> ((Patient) entry.getResource()).getNameFirstRep().getFamily())
        .hasSize(WRITERS + 1)
        .containsAll(IntStream.range(0, WRITERS).mapToObj(thread -> "Racer" + thread).toList());
  }

  @Test
  void updatesRacingOnTwoNodesWithTheSameIfMatchWinOnceAndTheOthersAre412s() throws Exception {
    String id = a.client().create().resource(patient("Matched")).execute().getId().getIdPart();
    long before = a.lastChange();

    Parallel.Run<String> run = Parallel.run(WRITERS, 1, (thread, step) -> {
      IGenericClient client = (thread % 2 == 0 ? a : b).client();
      Patient update = patient("Matched" + thread);
      update.setId(id);
      try {
        client.update().resource(update).withId("Patient/" + id).withAdditionalHeader("If-Match", "W/\"1\"")
            .execute();
        return "200";
      } catch (PreconditionFailedException e) {
        assertThat(((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
            .contains("Patient/" + id);
        return "412";
      }
    });

    assertThat(run.mostAtOnce()).as("writers overlapped").isGreaterThan(1);
    assertThat(run.results()).containsOnlyOnce("200").containsOnly("200", "412");
    assertThat(a.changesSince(before)).as("the one version written").hasSize(1);
    Patient current = b.client().read().resource(Patient.class).withId(id).execute();
    assertThat(current.getMeta().getVersionId()).isEqualTo("2");
  }

  @Test
  void anIfMatchNamingAnOlderVersionIsA412ThatNamesBothVersions() {
    String id = a.client().create().resource(patient("Stale")).execute().getId().getIdPart();
    Patient update = patient("Stale2");
    update.setId(id);
    b.client().update().resource(update).execute();

    assertThatThrownBy(() -> a.client().update().resource(update).withAdditionalHeader("If-Match", "W/\"1\"")
        .execute()).isInstanceOfSatisfying(PreconditionFailedException.class, e -> assertThat(
            ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
            .contains("If-Match names version 1").contains("is 2"));
    assertThat(a.client().read().resource(Patient.class).withId(id).execute().getMeta().getVersionId())
        .isEqualTo("2");
  }

  @Test
  void aPlaceholderThatWouldLieOutsideTheCallersReachRefusesTheWriteWhole() {
    String alice = a.client().create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
    String ghost = "ghost-" + UUID.randomUUID();
    Observation observation = TransactionTest.observation(new Reference("Patient/" + alice));
    observation.addFocus(new Reference("Patient/" + ghost));
    long before = a.lastChange();

    try (TestServer isolated = TestServer.onSharedStore(ServerConfig.builder()
        .missingReferences(MissingReferences.PLACEHOLDER).build(), List.of(isolation))) {
      assertThatThrownBy(() -> isolated.client().create().resource(observation)
          .withAdditionalHeader("X-Patient", alice).execute())
          .isInstanceOfSatisfying(ForbiddenOperationException.class, e -> assertThat(
              ((OperationOutcome) e.getOperationOutcome()).getIssueFirstRep().getDiagnostics())
              .as("refused for the placeholder").contains("store this Patient"));
    }

    assertThat(a.changesSince(before)).as("neither the observation nor the placeholder").isEmpty();
  }
}
