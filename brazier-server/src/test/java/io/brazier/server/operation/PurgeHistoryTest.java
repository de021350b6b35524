package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * $purge-history, as Microsoft's FHIR server serves it: DELETE on an instance removes its older versions and keeps
 * the current one.
 */
class PurgeHistoryTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final Http http = server.http();

  @Test
  void purgingKeepsTheCurrentVersionAndRemovesTheOlderOnes() {
    IIdType id = threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart();

    Http.Response purged = http.send("DELETE", path + "/$purge-history", null);

    assertThat(purged.status()).as(purged.body()).isEqualTo(204);
    assertThat(versions(path)).containsExactly("3");
    assertThat(http.get(path).resource(Patient.class).getNameFirstRep().getFamily()).isEqualTo("Third");
    assertThat(http.get(path).header("ETag")).hasValue("W/\"3\"");
    assertThat(http.refused(404, "GET", path + "/_history/1", (byte[]) null).getIssueFirstRep().getDiagnostics())
        .isNotBlank();
  }

  @Test
  void aDeletedResourceKeepsOnlyItsDeletion() {
    IIdType id = threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart();
    client.delete().resourceById(id).execute();

    http.send("DELETE", path + "/$purge-history", null);

    assertThat(versions(path)).containsExactly("deleted");
    assertThat(http.get(path).status()).isEqualTo(410);
    assertThat(http.get(path + "/_history/3").status()).isEqualTo(404);
  }

  @Test
  void theVersionLeftIsStillAnUpdateInHistoryAsInTheChangeFeed() {
    long start = server.lastChange();
    IIdType id = threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart();

    http.send("DELETE", path + "/$purge-history", null);
    server.lastChange(); // the feed numbers its changes in the background: numbered now, so $changes lists them

    assertThat(requests(http.get(path + "/_history").resource(Bundle.class)))
        .containsExactly("PUT Patient/" + id.getIdPart() + " 200 OK");
    assertThat(requests(http.get("/fhir/$changes?since=" + start + "&_type=Patient").resource(Bundle.class)))
        .endsWith("PUT Patient/" + id.getIdPart() + " 200 OK");
  }

  @Test
  void aVersionThatCreatedTheResourceAgainStaysACreation() {
    IIdType id = threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart();
    client.delete().resourceById(id).execute();
    Patient again = patient("Again");
    again.setId(id);
    client.update().resource(again).execute();

    http.send("DELETE", path + "/$purge-history", null);

    assertThat(requests(http.get(path + "/_history").resource(Bundle.class)))
        .containsExactly("PUT Patient/" + id.getIdPart() + " 201 Created");
  }

  @Test
  void anUpdateAfterThePurgeLeavesTheVersionBeforeItAnUpdate() {
    IIdType id = threeVersions();
    String path = "/fhir/Patient/" + id.getIdPart();
    http.send("DELETE", path + "/$purge-history", null);
    Patient fourth = patient("Fourth");
    fourth.setId(id);

    client.update().resource(fourth).execute();

    assertThat(requests(http.get(path + "/_history").resource(Bundle.class)))
        .containsExactly("PUT Patient/" + id.getIdPart() + " 200 OK", "PUT Patient/" + id.getIdPart() + " 200 OK");
  }

  @Test
  void aResourceNeverStoredIsNotFoundAndOtherMethodsAreNotAllowed() {
    String path = "/fhir/Patient/never-stored-purge/$purge-history";
    String known = "/fhir/Patient/" + threeVersions().getIdPart() + "/$purge-history";

    http.refused(404, "DELETE", path, (byte[]) null);
    http.refused(405, "POST", known, "{\"resourceType\":\"Parameters\"}");

    assertThat(http.get(known).header("Allow")).hasValue("DELETE");
  }

  private IIdType threeVersions() {
    IIdType id = client.create().resource(patient("First")).execute().getId().toVersionless();
    for (String family : List.of("Second", "Third")) {
      Patient next = patient(family);
      next.setId(id);
      client.update().resource(next).execute();
    }
    return id;
  }

  private static Patient patient(String family) {
    return new Patient().addName(new HumanName().setFamily(family));
  }

  /** Each entry's request and response, as "METHOD url status". */
  private static List<String> requests(Bundle bundle) {
    return bundle.getEntry().stream().map(entry -> entry.getRequest().getMethod().toCode() + " "
        + entry.getRequest().getUrl() + " " + entry.getResponse().getStatus()).toList();
  }

  /** The versions in the resource's history, newest first: each version id, or "deleted". */
  private List<String> versions(String path) {
    return http.get(path + "/_history").resource(Bundle.class).getEntry().stream()
        .map(entry -> entry.getRequest().getMethod() == Bundle.HTTPVerb.DELETE
            ? "deleted" : entry.getResource().getMeta().getVersionId())
        .toList();
  }
}
