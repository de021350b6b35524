package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpFhirClient;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.PatientExport;
import io.brazier.loader.send.Json;
import io.brazier.loader.send.Sender;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PatientIdsTest {
  private final PatientIds found = new PatientIds();

  @Test
  void aFieldGivesThePatientsItRefersToInArraysAndAbsoluteOrVersionedReferences() throws IOException {
    found.collect(resource("""
        {"resourceType":"Coverage","id":"c","beneficiary":{"reference":"https://fhir.example/Patient/p1/_history/3"},
         "payor":[{"reference":"Organization/o"},{"reference":"Patient/p2"}]}"""), "Coverage", "beneficiary");
    found.collect(resource("""
        {"resourceType":"Coverage","id":"d","payor":[{"reference":"Organization/o"},{"reference":"Patient/p2"}]}"""),
        "Coverage", "payor");

    assertThat(found.ids()).containsExactly("p1", "p2");
  }

  @Test
  void aDottedFieldWalksIntoElements() throws IOException {
    found.collect(resource("""
        {"resourceType":"Claim","id":"c","item":[{"encounter":[{"reference":"Patient/p3"}]}]}"""), "Claim",
        "item.encounter");

    assertThat(found.ids()).containsExactly("p3");
  }

  @Test
  void aGroupGivesItsMembersAndIncludedResourcesArePassedOver() throws IOException {
    found.collect(resource("""
        {"resourceType":"Group","id":"g","member":[{"entity":{"reference":"Patient/p4"}},
         {"entity":{"reference":"Device/d"}}]}"""), "Group", "id");
    found.collect(resource("{\"resourceType\":\"Organization\",\"id\":\"o\"}"), "Coverage", "beneficiary");

    assertThat(found.ids()).containsExactly("p4");
  }

  @Test
  void aGroupsInactiveMembersAreNoLongerInItAndAreLeftOutAsGroupExportLeavesThem() throws IOException {
    found.collect(resource("""
        {"resourceType":"Group","id":"g","member":[{"entity":{"reference":"Patient/p5"},"inactive":false},
         {"entity":{"reference":"Patient/gone"},"inactive":true},{"entity":{"reference":"Patient/p6"}}]}"""),
        "Group", "id");

    assertThat(found.ids()).containsExactly("p5", "p6");
  }

  @Test
  void idOfAnotherTypeThanPatientAsksForThePatientField() {
    assertThatThrownBy(() -> found.collect(resource("{\"resourceType\":\"Coverage\",\"id\":\"c\"}"), "Coverage",
        "id")).hasMessageContaining("The query returns Coverage, not Patient: give --patient-field");
  }

  @Test
  void theActiveMembersOfNestedGroupsAreReadThroughTheSearchApiEachGroupOnceWhateverCycles() throws Exception {
    TestServer server = TestServer.shared();
    String a = patient(server);
    String b = patient(server);
    String c = patient(server);
    String left = group(server, member("Patient", patient(server)));
    String gone = group(server, member("Patient", patient(server)));
    String outer = "patient-ids-" + UUID.randomUUID();
    String inner = "patient-ids-" + UUID.randomUUID();
    String innermost = group(server, member("Patient", c), member("Group", gone));
    // Groups that name each other are stored together, as references must name what exists.
    Http.Response stored = server.http().post("/fhir", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\","
        + "\"entry\":[" + entry(outer, member("Patient", a), member("Group", inner), member("Group", innermost),
        "{\"inactive\":true,\"entity\":{\"reference\":\"Group/" + left + "\"}}") + "," + entry(inner,
        member("Patient", b), member("Group", outer), member("Group", inner), member("Group", innermost),
        member("Patient", a)) + "]}");
    assertThat(stored.status()).as(stored.body()).isEqualTo(200);
    server.http().send("DELETE", "/fhir/Group/" + gone, null);
    Pages pages = new Pages(new Sender(new HttpFhirClient(URI.create(server.baseUrl()), Optional.empty(),
        Duration.ofSeconds(30)), LoaderConfig.defaults()), URI.create(server.baseUrl()));

    PatientIds.Patients patients = PatientIds.of(pages, new PatientExport(PatientExport.group(outer), "id",
        List.of("Patient?_id=$IDS"), 1, 2000), server.baseUrl().length());

    assertThat(patients.ids()).containsExactly(a, b, c);
    assertThat(patients.missingGroups()).containsExactly("Group/" + gone + ", a member of Group/" + innermost
        + ", was not found on the server: its members are not exported.");
  }

  private static String patient(TestServer server) {
    return put(server, "Patient", "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"active\":true}");
  }

  private static String group(TestServer server, String... members) {
    return put(server, "Group", groupJson("%s", members));
  }

  /** Stores a resource under an id of its own, put where the JSON has %s; the id. */
  private static String put(TestServer server, String type, String json) {
    String id = "patient-ids-" + UUID.randomUUID();
    Http.Response stored = server.http().put("/fhir/" + type + "/" + id, json.replace("%s", id));
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    return id;
  }

  private static String entry(String group, String... members) {
    return "{\"resource\":" + groupJson(group, members) + ",\"request\":{\"method\":\"PUT\",\"url\":\"Group/"
        + group + "\"}}";
  }

  private static String groupJson(String id, String... members) {
    return "{\"resourceType\":\"Group\",\"id\":\"" + id + "\",\"type\":\"person\",\"actual\":true,\"member\":["
        + String.join(",", members) + "]}";
  }

  private static String member(String type, String id) {
    return "{\"entity\":{\"reference\":\"" + type + "/" + id + "\"}}";
  }

  private static ObjectNode resource(String json) throws IOException {
    return Json.parse(json.getBytes());
  }
}
