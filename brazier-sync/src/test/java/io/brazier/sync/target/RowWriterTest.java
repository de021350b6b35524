package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.TestMaps;
import io.brazier.sync.TestTargets;
import io.brazier.sync.map.Keys;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Rows;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rows written on a real PostgreSQL, three levels deep (a care team, its members, their roles): a resource written
 * again is the same rows, a new version replaces the children and theirs, a deletion takes every level, a map that
 * deactivates keeps the row, concepts are added once, and nulls of every column type sit beside values in a batch.
 */
class RowWriterTest extends OnTargetDatabase {
  private static final String TEAM = """
      {"resource": "CareTeam", "table": "team", %s "attributes": [
        {"column": "team_name", "path": "name"},
        {"column": "team_category", "path": "category.first()", "action": "codeableconcept"},
        {"action": "expand", "path": "participant", "map": "member"}]}""";
  private static final String MEMBER = """
      {"resource": "CareTeam", "table": "member", "parentLink": "member_team", "attributes": [
        {"column": "member_since", "path": "period.start", "type": "datetime"},
        {"action": "expand", "path": "role", "map": "role"}]}""";
  private static final String ROLE = """
      {"resource": "CareTeam", "table": "role", "parentLink": "role_member", "attributes": [
        {"column": "role_concept", "path": "$this", "action": "codeableconcept"}]}""";
  private MapSet maps = teams("");

  @Test
  void aResourceWrittenAgainIsStillOneRowWithItsChildrenOnce() throws Exception {
    Item team = team("t1", 1, "Cardiology", roles("nurse", "carer"), roles("doctor"));

    write(team);
    write(team);

    assertThat(count("team")).isOne();
    assertThat(count("member")).isEqualTo(2);
    assertThat(count("role")).isEqualTo(3);
    assertThat(TestTargets.rows(config, "SELECT msemr_code FROM msemr_codeableconcept ORDER BY msemr_code"))
        .extracting(row -> row.get("msemr_code")).containsExactly("carer", "doctor", "nurse", "team");
  }

  @Test
  void aNewVersionReplacesTheChildrenAndTheRowsUnderTheChildrenItNoLongerHas() throws Exception {
    write(team("t1", 1, "Cardiology", roles("nurse", "carer"), roles("doctor")));

    write(team("t1", 2, "Cardiology", roles("surgeon")));

    assertThat(TestTargets.rows(config, "SELECT team_name, msemr_azurefhirversion FROM team"))
        .containsExactly(Map.of("team_name", "Cardiology", "msemr_azurefhirversion", 2));
    assertThat(count("member")).isOne();
    assertThat(TestTargets.rows(config, "SELECT c.msemr_code FROM role r JOIN member m ON r.role_member ="
        + " m.memberid JOIN msemr_codeableconcept c ON c.msemr_codeableconceptid = r.role_concept"))
        .as("no role is left under a member that is gone").containsExactly(Map.of("msemr_code", "surgeon"))
        .hasSize((int) count("role"));
  }

  @Test
  void aConceptIsAddedOnceForEveryRowThatPointsToItAndKeepsItsFirstName() throws Exception {
    write(team("t1", 1, "One", roles("nurse")), team("t2", 1, "Two", roles("nurse")));

    write(team("t3", 1, "Three", List.of("nurse|Renamed nurse")));

    assertThat(TestTargets.rows(config, "SELECT msemr_name FROM msemr_codeableconcept WHERE msemr_code = 'nurse'"))
        .containsExactly(Map.of("msemr_name", "nurse"));
    assertThat(TestTargets.number(config, "SELECT count(DISTINCT role_concept) FROM role")).isOne();
  }

  @Test
  void aDeletionDeletesTheRowAndEveryLevelUnderItAndNoOtherResourcesRows() throws Exception {
    write(team("t1", 1, "Gone", roles("nurse", "carer"), roles("doctor")), team("t2", 1, "Kept", roles("nurse")));

    delete(List.of("t1"), 2);

    assertThat(TestTargets.rows(config, "SELECT team_name FROM team")).containsExactly(Map.of("team_name", "Kept"));
    assertThat(count("member")).isOne();
    assertThat(count("role")).isOne();
  }

  @Test
  void aMapThatDeactivatesKeepsTheRowsAndANewVersionMakesTheRowActiveAgain() throws Exception {
    maps = teams("\"onDelete\": \"deactivate\",");
    write(team("t1", 1, "Paused", roles("nurse")));

    delete(List.of("t1"), 3);
    Map<String, Object> deactivated = root();
    delete(List.of("t1"), null);
    Map<String, Object> unversioned = root();
    write(team("t1", 4, "Back", roles("nurse")));

    assertThat(deactivated).containsEntry("statecode", 1).containsEntry("msemr_azurefhirversion", 3);
    assertThat(unversioned).as("a deletion without a version keeps the one there")
        .containsEntry("statecode", 1).containsEntry("msemr_azurefhirversion", 3);
    assertThat(root()).containsEntry("statecode", 0).containsEntry("msemr_azurefhirversion", 4)
        .containsEntry("team_name", "Back");
    assertThat(count("role")).isOne();
  }

  @Test
  void stampingSetsTheResourcesIdVersionAndTimeAndLeavesTheRowsValues() throws Exception {
    write(team("t1", 1, "Cardiology", roles("nurse")));
    TestTargets.execute(config, "UPDATE team SET team_name = 'Edited in the target'");
    Rows second = team("t1", 2, "Cardiology", roles("nurse")).rows();
    Rows untimed = new Rows(second.type(), second.id(), 3, null, second.rows(), second.concepts(), second.lookups());

    database.transaction(connection -> {
      new RowWriter(connection, maps).stamp(maps.root("CareTeam"), Keys.row("CareTeam", "t1"), second);
      return null;
    });
    Map<String, Object> stamped = root();
    database.transaction(connection -> {
      new RowWriter(connection, maps).stamp(maps.root("CareTeam"), Keys.row("CareTeam", "t1"), untimed);
      return null;
    });

    assertThat(stamped).containsEntry("team_name", "Edited in the target").containsEntry("msemr_azurefhirversion", 2);
    assertThat(((Timestamp) stamped.get("msemr_azurefhirlastupdatedon")).toInstant())
        .isEqualTo(Instant.parse("2026-12-06T08:00:00Z"));
    assertThat(root()).containsEntry("msemr_azurefhirversion", 3).containsEntry("msemr_azurefhirlastupdatedon", null);
    assertThat(count("role")).isOne();
  }

  @Test
  void nullsOfEveryColumnTypeAreWrittenBesideValuesInOneBatch() throws Exception {
    maps = TestMaps.of("patient", """
        {"resource": "Patient", "table": "person", "attributes": [
          {"column": "p_name", "path": "name.family.first()"},
          {"column": "p_born", "path": "birthDate", "type": "date"},
          {"column": "p_deceased", "path": "deceased.ofType(boolean)", "type": "boolean"},
          {"column": "p_order", "path": "multipleBirth.ofType(integer)", "type": "integer"},
          {"column": "p_weight", "path": "extension.where(url='urn:test:weight').value.ofType(decimal)",
           "type": "decimal"},
          {"column": "p_seen", "path": "extension.where(url='urn:test:seen').value.ofType(dateTime)",
           "type": "datetime"},
          {"column": "p_organization", "path": "managingOrganization", "action": "lookup"}]}""");
    Tables.prepare(database, maps);
    Item full = Items.written(maps, """
        {"resourceType": "Patient", "id": "full", "meta": {"versionId": "1"}, "name": [{"family": "Full"}],
         "birthDate": "1970-01-02", "deceasedBoolean": false, "multipleBirthInteger": 2,
         "extension": [{"url": "urn:test:weight", "valueDecimal": 71.5},
                       {"url": "urn:test:seen", "valueDateTime": "2026-12-01T10:00:00Z"}],
         "managingOrganization": {"reference": "Organization/o1"}}""");
    Item empty = Items.written(maps, """
        {"resourceType": "Patient", "id": "empty", "meta": {"versionId": "1"}}""");

    write(empty, full);

    Map<String, Object> written = TestTargets.rows(config, "SELECT * FROM person WHERE msemr_azurefhirid = 'full'")
        .get(0);
    assertThat(written).containsEntry("p_name", "Full").containsEntry("p_born", Date.valueOf(
        LocalDate.of(1970, 1, 2))).containsEntry("p_deceased", false).containsEntry("p_order", 2)
        .containsEntry("p_weight", new BigDecimal("71.5"))
        .containsEntry("p_organization", Keys.row("Organization", "o1"));
    assertThat(((Timestamp) written.get("p_seen")).toInstant()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    Map<String, Object> nulls = new HashMap<>(TestTargets.rows(config, "SELECT p_name, p_born, p_deceased, p_order,"
        + " p_weight, p_seen, p_organization FROM person WHERE msemr_azurefhirid = 'empty'").get(0));
    assertThat(nulls).hasSize(7).allSatisfy((column, value) -> assertThat(value).as(column).isNull());
  }

  private MapSet teams(String onDelete) {
    MapSet set = TestMaps.of("team", TEAM.formatted(onDelete), "member", MEMBER, "role", ROLE);
    try {
      Tables.prepare(database, set);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return set;
  }

  /** A care team with a participant for each list of roles, each role a code or {@code code|display}. */
  @SafeVarargs
  private Item team(String id, int version, String name, List<String>... participants) {
    StringBuilder members = new StringBuilder();
    for (List<String> roles : participants) {
      List<String> codings = new ArrayList<>();
      for (String role : roles) {
        String[] codeAndDisplay = (role + "|" + role).split("\\|");
        codings.add("{\"coding\": [{\"system\": \"urn:test:role\", \"code\": \"%s\", \"display\": \"%s\"}]}"
            .formatted(codeAndDisplay[0], codeAndDisplay[1]));
      }
      members.append(members.isEmpty() ? "" : ", ").append("{\"period\": {\"start\": \"2026-01-01T00:00:00Z\"},"
          + " \"role\": [").append(String.join(", ", codings)).append("]}");
    }
    return Items.written(maps, """
        {"resourceType": "CareTeam", "id": "%s", "meta": {"versionId": "%d", "lastUpdated": "2026-12-06T08:00:00Z"},
         "name": "%s", "category": [{"coding": [{"system": "urn:test:category", "code": "team"}]}],
         "participant": [%s]}""".formatted(id, version, name, members));
  }

  private static List<String> roles(String... codes) {
    return List.of(codes);
  }

  private void write(Item... items) throws SQLException {
    database.transaction(connection -> {
      List<Item> all = List.of(items);
      new RowWriter(connection, maps).write(all.stream().map(item -> item.rows().root()).toList(),
          all.stream().flatMap(item -> item.rows().rows().stream().skip(1)).toList(),
          all.stream().flatMap(item -> item.rows().concepts().stream()).toList());
      return null;
    });
  }

  private void delete(List<String> ids, Integer version) throws SQLException {
    database.transaction(connection -> {
      new RowWriter(connection, maps).delete(maps.root("CareTeam"), ids.stream().map(id -> Keys.row("CareTeam", id))
          .toList(), Arrays.asList(ids.stream().map(id -> version).toArray(Integer[]::new)));
      return null;
    });
  }

  private Map<String, Object> root() {
    return TestTargets.rows(config, "SELECT * FROM team WHERE msemr_azurefhirid = 't1'").get(0);
  }

  private long count(String table) {
    return TestTargets.number(config, "SELECT count(*) FROM " + table);
  }
}
