package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.Caller;
import io.brazier.server.TestServer;
import io.brazier.sync.FhirCall;
import io.brazier.sync.FhirReply;
import io.brazier.sync.SyncAgent;
import io.brazier.sync.SyncConfig;
import io.brazier.sync.TargetConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class InProcessFhirTest {
  private final TestServer server = TestServer.shared();
  private final IGenericClient client = server.client();
  private final InProcessFhir fhir = new InProcessFhir(server.api(), server.fhir(), server.baseUrl(),
      Caller.SYNC_AGENT_SOURCE);

  @Test
  void aCallIsAnsweredAsHttpWouldAnswerItWithoutTheNetwork() throws Exception {
    String id = client.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();

    FhirReply read = fhir.get("Patient/" + id);
    FhirReply missing = fhir.get("Patient/no-such-patient");
    FhirReply search = fhir.get("Patient?_id=" + id);

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.header("etag")).isEqualTo("W/\"1\"");
    assertThat(new String(read.body(), StandardCharsets.UTF_8)).contains("\"active\":true");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("OperationOutcome");
    assertThat(new String(search.body(), StandardCharsets.UTF_8)).contains("\"total\":1");
  }

  @Test
  void aRequestTooBrokenToBuildIsAnOperationOutcomeToo() throws Exception {
    FhirReply reply = fhir.get("Patient?_format=yaml");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("OperationOutcome");
  }

  @Test
  void writesCarryTheAgentsSource() throws Exception {
    byte[] body = "{\"resourceType\":\"Patient\",\"active\":false}".getBytes(StandardCharsets.UTF_8);

    FhirReply created = fhir.send(new FhirCall("POST", "Patient", Map.of("Content-Type", "application/fhir+json"),
        body));

    assertThat(created.status()).isEqualTo(201);
    String id = created.header("Location").replaceAll(".*/Patient/([^/]+)/_history/.*", "$1");
    assertThat(client.read().resource(Patient.class).withId(id).execute().getMeta().getSource())
        .isEqualTo(Caller.SYNC_AGENT_SOURCE);
  }

  @Test
  void anAgentInTheServersProcessSyncsIntoASchemaOfTheServersOwnDatabase() throws Exception {
    var pool = server.database().pool();
    TargetConfig target = new TargetConfig(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword(),
        "crm_in_process", 8);
    String id = client.create().resource(new Patient().addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily("InProcess")
        .addGiven("Ada"))).execute().getId().getIdPart();

    try (SyncAgent agent = SyncAgent.start(fhir, server.fhir(), target, SyncConfig.defaults(),
        new SimpleMeterRegistry())) {
      long deadline = System.currentTimeMillis() + 60_000;
      String lastname = null;
      while (lastname == null && System.currentTimeMillis() < deadline) {
        lastname = lastname(target, id);
        Thread.sleep(50);
      }

      assertThat(lastname).isEqualTo("InProcess");
      assertThat(agent.status().sources().get(0).name()).isEqualTo(server.baseUrl());
    }
  }

  private static String lastname(TargetConfig target, String id) throws Exception {
    try (Connection connection = DriverManager.getConnection(target.url(), target.user(), target.password());
        PreparedStatement statement = connection.prepareStatement(
            "SELECT lastname FROM crm_in_process.contact WHERE msemr_azurefhirid = ?")) {
      statement.setString(1, id);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      return null; // the agent has not made its tables yet
    }
  }
}
