package io.brazier.server.interaction;

import static io.brazier.server.interaction.CreateTest.patient;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import io.brazier.server.Http;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class DeleteTest {
  private static final String IDENTIFIER = "/fhir/Patient?identifier=urn:brazier:test:create%7C";

  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void deleteAnswersNoContentAndTheResourceIsGoneButItsOldVersionsStay() {
    String id = created("Deleted", "d");

    Http.Response response = http.send("DELETE", "/fhir/Patient/" + id, null);

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.header("ETag")).hasValue("W/\"2\"");
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
    assertThat(client.read().resource(Patient.class).withIdAndVersion(id, "1").execute().getNameFirstRep().getFamily())
        .isEqualTo("Deleted");
  }

  @Test
  void deletingADeletedResourceAgainChangesNothing() {
    String id = created("Twice", "t");
    client.delete().resourceById("Patient", id).execute();
    long before = server.lastChange();

    Http.Response response = http.send("DELETE", "/fhir/Patient/" + id, null);

    assertThat(response.status()).isEqualTo(204);
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void deleteWithIfMatchAnyDeletesOnlyAResourceThatExists() {
    String id = created("Present", "p");

    Http.Response present = http.send("DELETE", "/fhir/Patient/" + id, null, "If-Match", "*");
    long before = server.lastChange();
    Http.Response again = http.send("DELETE", "/fhir/Patient/" + id, null, "If-Match", "*");

    assertThat(present.status()).isEqualTo(204);
    assertThat(again.status()).isEqualTo(412);
    assertThat(again.body()).contains("OperationOutcome", "If-Match");
    assertThat(server.lastChange()).as("the refused delete wrote nothing").isEqualTo(before);
  }

  @Test
  void deleteWithIfMatchDeletesOnlyTheVersionItNames() {
    String id = created("Versioned", "v");
    client.update().resource(patient("Versioned again", "v").setId(id)).execute();
    long before = server.lastChange();

    Http.Response stale = http.send("DELETE", "/fhir/Patient/" + id, null, "If-Match", "W/\"1\"");
    long afterStale = server.lastChange();
    Http.Response current = http.send("DELETE", "/fhir/Patient/" + id, null, "If-Match", "W/\"2\"");

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.body()).contains("OperationOutcome", "If-Match names version 1");
    assertThat(afterStale).as("the refused delete wrote nothing").isEqualTo(before);
    assertThat(current.status()).isEqualTo(204);
    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void deleteOfAnUnknownResourceIsNotFound() {
    http.refused(404, "DELETE", "/fhir/Patient/never-existed", (byte[]) null);
  }

  @Test
  void deleteWithAnInvalidIdOrTypeIsRefused() {
    http.refused(400, "DELETE", "/fhir/Patient/bad!id", (byte[]) null);
    http.refused(404, "DELETE", "/fhir/Unicorn/1", (byte[]) null);
  }

  @Test
  void deleteCanAnswerWithAnOperationOutcome() {
    String id = created("Outcome", "o");

    Http.Response response = http.send("DELETE", "/fhir/Patient/" + id, null, "Prefer", "return=OperationOutcome");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.resource(OperationOutcome.class).getIssueFirstRep().getDiagnostics()).contains("Deleted 1");
  }

  @Test
  void conditionalDeleteRemovesTheOneMatch() {
    String value = UUID.randomUUID().toString();
    String id = created("Single", value);

    client.delete().resourceConditionalByUrl("Patient?identifier=urn:brazier:test:create|" + value).execute();

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void conditionalDeleteByIdRemovesThatResource() {
    String id = created("ById", "i");

    assertThat(http.send("DELETE", "/fhir/Patient?_id=" + id, null).status()).isEqualTo(204);

    assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
        .isInstanceOf(ResourceGoneException.class);
  }

  @Test
  void conditionalDeleteRemovesEveryMatchUpToTheLimit() {
    String value = UUID.randomUUID().toString();
    List<String> ids = List.of(created("A", value), created("B", value), created("C", value));

    Http.Response response = http.send("DELETE", IDENTIFIER + value, null);

    assertThat(response.status()).isEqualTo(204);
    for (String id : ids) {
      assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id).execute())
          .isInstanceOf(ResourceGoneException.class);
    }
  }

  @Test
  void conditionalDeleteOfMoreMatchesThanTheLimitIsAPreconditionFailure() {
    String value = UUID.randomUUID().toString();
    List.of("A", "B", "C").forEach(family -> created(family, value));

    ServerConfig config = ServerConfig.builder().maxBodyBytes(1024 * 1024).conditionalDeleteMax(2).build();
    try (TestServer limited = TestServer.onSharedStore(config)) {
      OperationOutcome outcome = limited.http().refused(412, "DELETE", IDENTIFIER + value, (byte[]) null);

      assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("more than 2");
    }
  }

  @Test
  void conditionalDeleteWithoutAMatchDeletesNothing() {
    long before = server.lastChange();

    Http.Response response = http.send("DELETE", IDENTIFIER + UUID.randomUUID(), null);

    assertThat(response.status()).isEqualTo(204);
    assertThat(server.changesSince(before)).isEmpty();
  }

  @Test
  void conditionalDeleteWithoutCriteriaOrWithAnUnknownOneIsRefused() {
    http.refused(400, "DELETE", "/fhir/Patient", (byte[]) null);
    http.refused(400, "DELETE", "/fhir/Patient?bogus=Smith", (byte[]) null);
  }

  @Test
  void aHardDeleteAlsoRemovesTheOlderVersionsAndLeavesOnlyTheDeletion() {
    String id = created("Hard", "h");
    Patient second = patient("Harder", "h");
    second.setId(id);
    client.update().resource(second).execute();

    Http.Response response = http.send("DELETE", "/fhir/Patient/" + id + "?hardDelete=true", null);

    assertThat(response.status()).isEqualTo(204);
    assertThat(http.get("/fhir/Patient/" + id).status()).isEqualTo(410);
    assertThat(http.get("/fhir/Patient/" + id + "/_history/1").status()).isEqualTo(404);
    assertThat(http.get("/fhir/Patient/" + id + "/_history/2").status()).isEqualTo(404);
    assertThat(http.get("/fhir/Patient/" + id + "/_history").resource(Bundle.class).getEntry())
        .extracting(entry -> entry.getRequest().getMethod()).containsExactly(Bundle.HTTPVerb.DELETE);
  }

  @Test
  void aHardDeleteOfADeletedResourceRemovesWhatItsHistoryKept() {
    String id = created("Soft", "s");
    client.delete().resourceById("Patient", id).execute();

    http.send("DELETE", "/fhir/Patient/" + id + "?hardDelete=true", null);

    assertThat(http.get("/fhir/Patient/" + id + "/_history/1").status()).isEqualTo(404);
  }

  @Test
  void aConditionalHardDeleteRemovesEveryMatchWithItsHistory() {
    String value = UUID.randomUUID().toString();
    List<String> ids = List.of(created("A", value), created("B", value));

    Http.Response response = http.send("DELETE", IDENTIFIER + value + "&hardDelete=true", null);

    assertThat(response.status()).as(response.body()).isEqualTo(204);
    for (String id : ids) {
      assertThat(http.get("/fhir/Patient/" + id).status()).isEqualTo(410);
      assertThat(http.get("/fhir/Patient/" + id + "/_history/1").status()).isEqualTo(404);
    }
  }

  @Test
  void aHardDeleteIsRefusedInABundleAndWithAValueOtherThanTrueOrFalse() {
    String id = created("Kept", "k");
    String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
        + "{\"method\":\"DELETE\",\"url\":\"Patient/" + id + "?hardDelete=true\"}}]}";

    http.refused(400, "POST", "/fhir", transaction);
    http.refused(400, "DELETE", "/fhir/Patient/" + id + "?hardDelete=yes", (byte[]) null);

    assertThat(http.send("DELETE", "/fhir/Patient/" + id + "?hardDelete=false", null).status()).isEqualTo(204);
    assertThat(http.get("/fhir/Patient/" + id + "/_history/1").status()).as("a soft delete").isEqualTo(200);
  }

  private String created(String family, String identifier) {
    return client.create().resource(patient(family, identifier)).execute().getId().getIdPart();
  }
}
