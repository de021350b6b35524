package io.brazier.sync.dataverse;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.client.ClientCredentials;
import io.brazier.sync.DataverseConfig;
import io.brazier.sync.TestMaps;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The child rows to delete, found in a real OData v4 service in Dataverse's shape (Olingo on Jetty): those under the
 * parents that are not kept, at every level, deeper ones first, however many parents and however many pages.
 */
class StaleChildrenTest {
  private static final MapSet MAPS = TestMaps.builtIn();
  private ODataService service;
  private StaleChildren stale;

  @BeforeEach
  void startTheService() {
    service = ODataService.start(MAPS);
    stale = new StaleChildren(new WebApi(new DataverseConfig(service.url(), new ClientCredentials.Config(
        service.tokenUrl(), ODataService.CLIENT_ID, ODataService.CLIENT_SECRET, "https://org.crm.dynamics.com/.default",
        null), 100, Duration.ofSeconds(30))), MAPS);
  }

  @AfterEach
  void stopTheService() throws Exception {
    service.close();
  }

  @Test
  void theRowsUnderTheParentsThatAreNotKeptAreDeletedAndNoOthers() throws Exception {
    UUID patient = Keys.row("Patient", "p1");
    UUID kept = child("msemr_medicalidentifier", "msemr_patient", patient);
    UUID removed = child("msemr_medicalidentifier", "msemr_patient", patient);
    UUID link = child("msemr_contactlink", "msemr_patient", patient);
    child("msemr_medicalidentifier", "msemr_patient", Keys.row("Patient", "another"));

    List<ChangeSet.Request> deletions = stale.deletions(Map.of(root("Patient"), List.of(patient)), Set.of(kept));

    assertThat(deletions).extracting(ChangeSet.Request::method).containsOnly("DELETE");
    assertThat(deletions).extracting(ChangeSet.Request::url).containsExactlyInAnyOrder(
        "msemr_medicalidentifiers(" + removed + ")", "msemr_contactlinks(" + link + ")");
  }

  @Test
  void rowsUnderADeletedChildAreDeletedAndComeBeforeIt() throws Exception {
    UUID team = Keys.row("CareTeam", "t1");
    UUID keptParticipant = child("msemr_careteamparticipant", "msemr_careteam", team);
    UUID keptRole = child("msemr_careteamparticipantrole", "msemr_careteamparticipant", keptParticipant);
    UUID staleRole = child("msemr_careteamparticipantrole", "msemr_careteamparticipant", keptParticipant);
    UUID staleParticipant = child("msemr_careteamparticipant", "msemr_careteam", team);
    UUID itsRole = child("msemr_careteamparticipantrole", "msemr_careteamparticipant", staleParticipant);

    List<String> deletions = urls(stale.deletions(Map.of(root("CareTeam"), List.of(team)),
        Set.of(keptParticipant, keptRole)));

    assertThat(deletions).containsExactlyInAnyOrder("msemr_careteamparticipantroles(" + staleRole + ")",
        "msemr_careteamparticipantroles(" + itsRole + ")", "msemr_careteamparticipants(" + staleParticipant + ")");
    assertThat(deletions.indexOf("msemr_careteamparticipantroles(" + itsRole + ")"))
        .as("a role before the participant it is under").isLessThan(deletions.indexOf(
            "msemr_careteamparticipants(" + staleParticipant + ")"));
  }

  @Test
  void aDeletedResourceLosesEveryRowUnderItHoweverManyParentsAndPages() throws Exception {
    service.pageSize(7);
    List<UUID> patients = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 45; i++) {
      UUID patient = Keys.row("Patient", "many-" + i);
      patients.add(patient);
      for (int n = 0; n < 2; n++) {
        expected.add("msemr_medicalidentifiers(" + child("msemr_medicalidentifier", "msemr_patient", patient) + ")");
      }
    }

    List<String> deletions = urls(stale.deletions(Map.of(root("Patient"), patients), Set.of()));

    assertThat(deletions).as("45 parents, more than one query takes; 90 rows, 13 pages")
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void parentsWithoutChildrenDeleteNothing() throws Exception {
    assertThat(stale.deletions(Map.of(root("Patient"), List.of(Keys.row("Patient", "lonely"))), Set.of())).isEmpty();
    assertThat(stale.deletions(Map.of(root("Patient"), List.of()), Set.of())).isEmpty();
  }

  /** A row of {@code table} under {@code parent} (its lookup {@code parentLink}), as Dataverse holds it; its key. */
  private UUID child(String table, String parentLink, UUID parent) {
    UUID key = UUID.randomUUID();
    service.edit(table, key, Map.of("_" + parentLink + "_value", parent));
    return key;
  }

  private static EntityMap root(String type) {
    return MAPS.root(type);
  }

  private static List<String> urls(List<ChangeSet.Request> deletions) {
    return deletions.stream().map(ChangeSet.Request::url).toList();
  }
}
