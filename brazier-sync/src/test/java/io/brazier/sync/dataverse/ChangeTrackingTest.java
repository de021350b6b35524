package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.ClientCredentials;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.target.RelationalTarget;
import io.brazier.sync.target.RowChange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dataverse's change tracking read from a real OData v4 service (Olingo on Jetty, which answers
 * {@code Prefer: odata.track-changes} and delta links), the changes of rows with sync on recorded for write-back in
 * a real PostgreSQL.
 */
class ChangeTrackingTest {
  private static final MapSet MAPS = TestMaps.builtIn();
  private static ODataService service;
  private RelationalTarget target;

  @BeforeAll
  static void startTheService() {
    service = ODataService.start(MAPS);
  }

  @AfterAll
  static void stopTheService() throws Exception {
    service.close();
  }

  @BeforeEach
  void openTheBookkeeping() {
    DataverseConfig config = new DataverseConfig(service.url(), new ClientCredentials.Config(service.tokenUrl(),
        ODataService.CLIENT_ID, ODataService.CLIENT_SECRET, "https://org.crm.dynamics.com/.default", null), 100,
        Duration.ofSeconds(30));
    target = RelationalTarget.open(TestTargets.inOtherDatabase(), new DataverseRows(config), false, false, null);
    target.prepare(MAPS);
  }

  @AfterEach
  void close() {
    target.close();
  }

  @Test
  void theFirstReadTakesTheRowsWithSyncOnThenOnlyWhatChangedAndWhatWasDeleted() throws Exception {
    UUID synced = UUID.randomUUID();
    UUID notSynced = UUID.randomUUID();
    service.edit("contact", synced, patient("Tracked", "41", true));
    service.edit("contact", notSynced, patient("Untracked", "42", false));

    RowChange first = trackedOnce();

    assertThat(first.key()).isEqualTo(synced);
    assertThat(first.before()).as("the target tells values, not what they were").isNull();
    assertThat(first.after().path("lastname").asText()).isEqualTo("Tracked");
    assertThat(first.fhirId()).isEqualTo("41");
    assertThat(first.baseVersion()).isEqualTo(3);
    target.rowChanges().done(first);
    target.rowChanges().track(MAPS);
    assertThat(target.rowChanges().pending(100, 5)).as("nothing changed since").isEmpty();

    service.edit("contact", notSynced, Map.of("mobilephone", "555-0001"));
    service.edit("contact", synced, Map.of("mobilephone", "555-0002"));

    RowChange second = trackedOnce();
    assertThat(second.key()).isEqualTo(synced);
    assertThat(second.after().path("mobilephone").asText()).isEqualTo("555-0002");
    target.rowChanges().done(second);

    service.delete("contact", synced);

    RowChange deletion = trackedOnce();
    assertThat(deletion.deleted()).isTrue();
    assertThat(deletion.fhirId()).as("kept from the last values seen").isEqualTo("41");
    assertThat(deletion.before().path("mobilephone").asText()).isEqualTo("555-0002");
  }

  @Test
  void aLookupIsReadBackAsItsColumnAndARowTurnedOffIsForgotten() throws Exception {
    UUID row = UUID.randomUUID();
    UUID practitioner = UUID.randomUUID();
    Map<String, Object> values = new java.util.HashMap<>(patient("Looked", "51", true));
    values.put("_msemr_generalpractitioner_value", practitioner);
    service.edit("contact", row, values);

    RowChange change = trackedOnce();

    assertThat(change.after().path("msemr_generalpractitioner").asText()).isEqualTo(practitioner.toString());
    assertThat(change.after().has("_msemr_generalpractitioner_value")).isFalse();
    target.rowChanges().done(change);

    service.edit("contact", row, Map.of("msemr_azurefhirsyncenabled", false));
    target.rowChanges().track(MAPS);
    service.delete("contact", row);
    target.rowChanges().track(MAPS);

    assertThat(target.rowChanges().pending(100, 5)).as("a row with sync off is the target's alone").isEmpty();
  }

  /** Reads the changes since the last read, and answers the one pending change they made. */
  private RowChange trackedOnce() throws Exception {
    target.rowChanges().track(MAPS);
    List<RowChange> pending = target.rowChanges().pending(100, 5);
    assertThat(pending).hasSize(1);
    return pending.get(0);
  }

  private static Map<String, Object> patient(String lastname, String fhirId, boolean sync) {
    return Map.of("msemr_contacttype", "Patient", "lastname", lastname, "msemr_azurefhirid", fhirId,
        "msemr_azurefhirversion", 3, "msemr_azurefhirsyncenabled", sync);
  }
}
