package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.client.ClientCredentials;
import io.brazier.server.TestServer;
import io.brazier.sync.dataverse.ODataService;
import io.brazier.sync.map.Keys;
import io.brazier.testkit.Eventually;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent with its rows in Dataverse: a real Brazier's change feed in, a real OData v4 service (Olingo on Jetty,
 * Dataverse's shape, client-credentials tokens) out, and the agent's bookkeeping in PostgreSQL.
 */
class ChannelsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static ODataService dataverse;
  private static SyncAgent agent;
  private static TestServer server;

  @BeforeAll
  static void startTheServiceAndTheAgent() throws Exception {
    server = TestServer.shared();
    dataverse = ODataService.start(TestMaps.builtIn());
    DataverseConfig config = new DataverseConfig(dataverse.url(), new ClientCredentials.Config(dataverse.tokenUrl(),
        ODataService.CLIENT_ID, ODataService.CLIENT_SECRET, "https://org.crm.dynamics.com/.default", null));
    agent = SyncAgent.start(Agents.client(server), server.fhir(), TestTargets.inOtherDatabase(),
        Agents.config(null), new Channels(config, null), new SimpleMeterRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    agent.close();
    dataverse.close();
  }

  @Test
  void aPatientAndItsEncounterWrittenToFhirArriveInDataverseThrottledOrNot() {
    IGenericClient client = server.client();
    dataverse.throttle(1);
    Patient patient = new Patient().addName(new HumanName().setUse(HumanName.NameUse.OFFICIAL).setFamily("Dataverse"))
        .addIdentifier(new Identifier().setSystem("urn:test:mrn").setValue("DV-1"));
    IIdType patientId = client.create().resource(patient).execute().getId();
    IIdType encounterId = client.create().resource(new Encounter().setStatus(Encounter.EncounterStatus.FINISHED)
        .setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"))
        .setSubject(new Reference(patientId.toUnqualifiedVersionless()))).execute().getId();

    Eventually.within(DEADLINE, () -> {
      assertThat(dataverse.row("contact", "msemr_azurefhirid", patientId.getIdPart()))
          .containsEntry("lastname", "Dataverse");
      Map<String, Object> encounter = dataverse.row("msemr_encounter", "msemr_azurefhirid", encounterId.getIdPart());
      assertThat(encounter).containsEntry("_msemr_patient_value", Keys.row("Patient", patientId.getIdPart()))
          .containsEntry("msemr_status", "finished");
    });
    assertThat(dataverse.row("msemr_medicalidentifier", "msemr_identifiervalue", "DV-1"))
        .containsEntry("_msemr_patient_value", Keys.row("Patient", patientId.getIdPart()));
  }

  @Test
  void aPatientDeletedInFhirLeavesDataverse() {
    IGenericClient client = server.client();
    IIdType patientId = client.create().resource(new Patient().addName(new HumanName()
        .setUse(HumanName.NameUse.OFFICIAL).setFamily("Leaving"))).execute().getId();
    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "msemr_azurefhirid", patientId.getIdPart()))
        .isNotNull());

    client.delete().resourceById(patientId.toUnqualifiedVersionless()).execute();

    Eventually.within(DEADLINE, () -> assertThat(dataverse.row("contact", "msemr_azurefhirid",
        patientId.getIdPart())).isNull());
  }
}
