package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import io.brazier.fhir.Fhir;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import io.brazier.store.sql.PostgresStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReindexTest {
  private static final String COLOUR = "http://example.org/fhir/StructureDefinition/favourite-colour";
  private final IGenericClient client = TestServer.shared().client();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String colour = "c" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void aCustomParameterAppliesToNewWritesAndAfterAnAsyncReindexToOldOnes() throws Exception {
    String old = client.create().resource(patient(colour)).execute().getId().getIdPart();
    client.create().resource(parameter("favourite-colour", "Patient.extension('" + COLOUR + "').value")).execute();
    String fresh = client.create().resource(patient(colour)).execute().getId().getIdPart();

    Bundle before = find();
    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(TestServer.shared().baseUrl()
        + "/Patient/$reindex")).header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    String status = started.headers().firstValue("Content-Location").orElseThrow();
    HttpResponse<String> polled = poll(status);
    Bundle after = find();

    assertThat(ids(before)).containsExactly(fresh);
    assertThat(started.statusCode()).isEqualTo(202);
    assertThat(polled.statusCode()).isEqualTo(200);
    assertThat(polled.body()).contains("Reindexed");
    assertThat(ids(after)).containsExactlyInAnyOrder(old, fresh);
  }

  @Test
  void aReindexIndexesTheContainedResourcesOfExistingContainers() throws Exception {
    Patient contained = patient(colour);
    contained.setId("p");
    Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
        .setSubject(new Reference("#p"));
    observation.getCode().setText("colour");
    observation.addContained(contained);
    String container = client.create().resource(observation).execute().getId().getIdPart();
    // A code of its own: the other tests' parameter would index the container on create.
    client.create().resource(parameter("contained-colour", "Patient.extension('" + COLOUR + "').value")).execute();

    Bundle before = findContained();
    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(TestServer.shared().baseUrl()
        + "/Observation/$reindex")).header("Prefer", "respond-async").POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    poll(started.headers().firstValue("Content-Location").orElseThrow());
    Bundle after = findContained();

    assertThat(before.getEntry()).isEmpty();
    assertThat(after.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(container);
  }

  @Test
  void aSearchParameterWhoseExpressionDoesNotParseIsRefused() {
    assertThatThrownBy(() -> client.create().resource(parameter("broken", "Patient.name.where(")).execute())
        .isInstanceOf(UnprocessableEntityException.class);
    assertThatThrownBy(() -> client.create().resource(parameter("deep", "(".repeat(5000) + "Patient.name"
        + ")".repeat(5000))).execute()).isInstanceOf(UnprocessableEntityException.class);
  }

  @Test
  void aReindexWhoseNodeDiedResumesAfterItsCursorOnTheNextNode(@TempDir Path dir) throws Exception {
    try (TestServer before = TestServer.start(dir, ServerConfig.defaults())) {
      IGenericClient first = before.client();
      first.update().resource(patient(colour).setId("a")).execute();
      first.update().resource(patient(colour).setId("b")).execute();
      first.create().resource(parameter("favourite-colour", "Patient.extension('" + COLOUR + "').value")).execute();
    }
    String job;
    try (PostgresStore store = new PostgresStore(Database.open(DatabaseConfig.embedded(dir)),
        new Fhir(false).resourceTypes())) {
      // A node claimed the job, reindexed Patient/a, recorded it as its cursor, and died.
      job = store.jobs().submit(Reindex.KIND, "{\"types\": [\"Patient\"], \"id\": null}", null);
      store.jobs().claim("dead-node", Set.of(Reindex.KIND), Duration.ofMillis(1));
      store.jobs().heartbeat(job, "dead-node", 1, null,
          "{\"type\": \"Patient\", \"after\": \"a\", \"reindexed\": 1}", Duration.ofMillis(1));
    }

    try (TestServer after = TestServer.start(dir, ServerConfig.defaults())) {
      HttpResponse<String> polled = poll(after.baseUrl() + "/_async/" + job);
      Bundle found = after.client().search().byUrl("Patient?favourite-colour=" + colour)
          .returnBundle(Bundle.class).execute();

      assertThat(polled.statusCode()).isEqualTo(200);
      assertThat(polled.body()).contains("Reindexed 2 resources");
      assertThat(ids(found)).as("Patient/a, before the cursor, is not reindexed again").containsExactly("b");
    }
  }

  private HttpResponse<String> poll(String status) throws Exception {
    long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < end) {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(status)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 202) {
        return response;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(status + " did not end within two minutes");
  }

  private Bundle find() {
    return client.search().byUrl("Patient?favourite-colour=" + colour).returnBundle(Bundle.class).execute();
  }

  private Bundle findContained() {
    return client.search().byUrl("Patient?_contained=true&contained-colour=" + colour).returnBundle(Bundle.class)
        .execute();
  }

  private static java.util.List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
        .map(e -> e.getResource().getIdElement().getIdPart()).toList();
  }

  private static Patient patient(String colour) {
    Patient patient = new Patient();
    patient.addExtension(COLOUR, new CodeType(colour));
    return patient;
  }

  private static SearchParameter parameter(String code, String expression) {
    SearchParameter parameter = new SearchParameter();
    parameter.setUrl("http://example.org/fhir/SearchParameter/" + code + "-" + UUID.randomUUID())
        .setName(code).setCode(code).setStatus(PublicationStatus.ACTIVE).setType(SearchParamType.TOKEN)
        .setExpression(expression).setDescription("test parameter");
    parameter.addBase("Patient");
    return parameter;
  }
}
