package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The patients of a Patient or Group export, read from the store as of the export's sequence: a Group's active
 * patient members once each, what is left out said, and which patients existed then, however many are asked about.
 */
class ExportPatientsTest {
  private static TestServer server;
  private static ExportPatients patients;

  @BeforeAll
  static void start() {
    server = TestServer.shared();
    patients = new ExportPatients(server.store(), new FhirSearch(server.fhir()));
  }

  @Test
  void aGroupsActivePatientMembersAreItsPatientsOnceAndOtherMembersAreReported() {
    String a = patient();
    String b = patient();
    String practitioner = put("Practitioner", "{\"resourceType\":\"Practitioner\"}");
    String group = group(member(a), "{\"inactive\":true,\"entity\":{\"reference\":\"Patient/" + b + "\"}}", member(a),
        "{\"entity\":{\"reference\":\"Practitioner/" + practitioner + "\"}}", "{\"entity\":{\"display\":\"nobody\"}}");

    ExportPatients.Members members = patients.members(group, server.store().watermark());

    assertThat(members.patients()).containsExactly(a);
    assertThat(members.issues()).extracting(ExportRequest.Issue::diagnostics).containsExactly(
        "Group/" + group + " has a member that is not a Patient or a Group (Practitioner/" + practitioner
            + "): it is not exported.",
        "Group/" + group + " has a member that is not a Patient or a Group (no reference): it is not exported.");
    assertThat(members.issues()).extracting(ExportRequest.Issue::severity).containsOnly("error");
  }

  @Test
  void theActivePatientMembersOfNestedGroupsAreExportedEachGroupOnceWhateverCycles() {
    String a = patient();
    String b = patient();
    String left = group(member(patient()));
    String gone = group(member(patient()));
    String outer = "export-patients-" + UUID.randomUUID();
    String inner = "export-patients-" + UUID.randomUUID();
    // Groups that name each other (and inner itself) are stored together, as references must name what exists.
    Http.Response stored = server.http().post("/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
        + "\"entry\":[" + entry(outer, member(a), groupMember(inner), "{\"inactive\":true,\"entity\":{\"reference\":"
        + "\"Group/" + left + "\"}}") + "," + entry(inner, member(b), groupMember(outer), groupMember(inner),
        groupMember(gone), member(a)) + "]}");
    assertThat(stored.status()).as(stored.body()).isEqualTo(200);
    server.http().send("DELETE", "/fhir/Group/" + gone, null);

    ExportPatients.Members members = patients.members(outer, server.store().watermark());

    assertThat(members.patients()).containsExactly(a, b);
    assertThat(members.issues()).extracting(ExportRequest.Issue::diagnostics).containsExactly("Group/" + gone
        + ", a member of Group/" + outer + ", did not exist: its members are not exported.");
  }

  private static String entry(String group, String... members) {
    return "{\"resource\":" + groupJson(group, members) + ",\"request\":{\"method\":\"PUT\",\"url\":\"Group/"
        + group + "\"}}";
  }

  @Test
  void aGroupIsReadAsItWasAtTheExportsSequence() {
    String a = patient();
    String b = patient();
    String group = group(member(a));
    long before = server.store().watermark();
    server.http().put("/fhir/Group/" + group, groupJson(group, member(a), member(b)));

    assertThat(patients.members(group, before).patients()).containsExactly(a);
    assertThat(patients.members(group, server.store().watermark()).patients()).containsExactly(a, b);
  }

  @Test
  void aGroupThatDidNotExistAtTheSequenceIsNotFound() {
    long before = server.store().watermark();
    String group = group(member(patient()));

    assertThatThrownBy(() -> patients.members(group, before)).isInstanceOfSatisfying(FhirException.class,
        e -> assertThat(e.status()).isEqualTo(404));
    server.http().send("DELETE", "/fhir/Group/" + group, null);
    assertThatThrownBy(() -> patients.members(group, server.store().watermark()))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void theExistingPatientsAreThoseStoredAndNotDeletedAtTheSequenceAmongManyAsked() {
    String kept = patient();
    String deleted = patient();
    server.http().send("DELETE", "/fhir/Patient/" + deleted, null);
    long sequence = server.store().watermark();
    String later = patient();
    // More than one scan reads: the patients asked about are read a thousand at a time.
    List<String> asked = new ArrayList<>();
    for (int i = 0; i < 2100; i++) {
      asked.add("absent-" + i);
    }
    asked.set(5, kept);
    asked.set(1500, deleted);
    asked.set(2050, later);
    asked.add(kept);

    assertThat(patients.existing(asked, sequence)).containsExactly(kept);
    assertThat(patients.existing(asked, server.store().watermark())).containsExactlyInAnyOrder(kept, later);
  }

  @Test
  void aMemberThatDidNotExistAtTheSequenceIsAnErrorSayingWhy() {
    String kept = patient();
    String deleted = patient();
    server.http().send("DELETE", "/fhir/Patient/" + deleted, null);
    long sequence = server.store().watermark();
    String later = patient();
    List<String> members = List.of(kept, deleted, "never-" + later, later);

    assertThat(patients.missing("g", members, patients.existing(members, sequence)))
        .extracting(ExportRequest.Issue::severity, ExportRequest.Issue::diagnostics).containsExactly(
            tuple("error", "Patient/" + deleted + ", a member of Group/g, was deleted: it is not exported."),
            tuple("error", "Patient/never-" + later + ", a member of Group/g, is not stored on this server: it is not"
                + " exported."),
            tuple("error", "Patient/" + later + ", a member of Group/g, was stored only after the export started: it"
                + " is not exported."));
    assertThat(patients.missing("g", List.of(kept), Set.of(kept))).isEmpty();
  }

  private static String patient() {
    return put("Patient", "{\"resourceType\":\"Patient\",\"active\":true}");
  }

  private static String member(String patient) {
    return "{\"entity\":{\"reference\":\"Patient/" + patient + "\"}}";
  }

  private static String groupMember(String group) {
    return "{\"entity\":{\"reference\":\"Group/" + group + "\"}}";
  }

  private static String group(String... members) {
    String id = "export-patients-" + UUID.randomUUID();
    Http.Response stored = server.http().put("/fhir/Group/" + id, groupJson(id, members));
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    return id;
  }

  private static String groupJson(String id, String... members) {
    return "{\"resourceType\":\"Group\",\"id\":\"" + id + "\",\"type\":\"person\",\"actual\":true,\"member\":["
        + String.join(",", members) + "]}";
  }

  /** Stores a resource under an id of its own; the id. */
  private static String put(String type, String json) {
    String id = "export-patients-" + UUID.randomUUID();
    String body = json.replace("{\"resourceType\":\"" + type + "\"", "{\"resourceType\":\"" + type + "\",\"id\":\""
        + id + "\"");
    Http.Response stored = server.http().put("/fhir/" + type + "/" + id, body);
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    return id;
  }
}
