package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.server.ExportConfig;
import io.brazier.server.ServerConfig;
import io.brazier.server.TestServer;
import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's Synthea sample in a server of its own, exported at system, Patient and Group level, and the files
 * compared with the store resource by resource: every resource exactly once, as stored, byte for byte.
 */
class ExportEndToEndTest {
  private static final String GROUP = "{\"resourceType\":\"Group\",\"id\":\"cohort\",\"type\":\"person\","
      + "\"actual\":true,\"member\":[{\"entity\":{\"reference\":\"Patient/%s\"}},"
      + "{\"entity\":{\"reference\":\"Patient/%s\"},\"inactive\":true},"
      + "{\"entity\":{\"reference\":\"Practitioner/%s\"}}]}";

  /** The years of the Provenance some tests add (and every test deletes), {@code Provenance/recorded-<year>}. */
  private static final List<String> RECORDED = List.of("1990", "2090");

  @TempDir
  static Path dir;
  private static TestServer server;
  private static Exporter exporter;
  /** The sample's resources by Type/id, and the patients' ids. */
  private static final Map<String, JsonNode> sample = new HashMap<>();
  private static final List<String> patients = new ArrayList<>();
  private static String practitioner;

  @BeforeAll
  static void start() {
    server = TestServer.start(dir.resolve("db"), ServerConfig.builder().exports(ExportConfig.builder()
        .dir(dir.resolve("export")).fileMaxBytes(64 * 1024).ttl(java.time.Duration.ofHours(1)).page(50).build())
        .build());
    exporter = new Exporter(server);
    Sample.load(server, "");
    for (String line : Sample.lines()) {
      JsonNode resource = Exporter.tree(line);
      String key = resource.path("resourceType").asText() + "/" + resource.path("id").asText();
      sample.put(key, resource);
      if (key.startsWith("Patient/")) {
        patients.add(resource.path("id").asText());
      } else if (key.startsWith("Practitioner/")) {
        practitioner = resource.path("id").asText();
      }
    }
    server.http().put("/fhir/Group/cohort", GROUP.formatted(patients.get(0), patients.get(1), practitioner));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aSystemExportHoldsEveryResourceOnceAsStored() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    Set<String> expected = new TreeSet<>(sample.keySet());
    expected.add("Group/cohort");
    assertThat(keys(output)).containsExactlyInAnyOrderElementsOf(expected);
    assertSameAsStored(output);
    assertThat(manifest.path("transactionTime").asText()).isNotBlank();
    assertThat(manifest.path("request").asText()).endsWith("/fhir/$export");
    assertThat(manifest.path("requiresAccessToken").asBoolean()).isFalse();
    assertThat(manifest.path("deleted")).isEmpty();
    assertThat(manifest.path("error")).isEmpty();
  }

  @Test
  void filesAreRolledAtTheSizeLimitAndNamedByTypeAndNumber() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_type=Observation"));

    List<String> urls = new ArrayList<>();
    manifest.path("output").forEach(file -> urls.add(file.path("url").asText()));
    assertThat(urls).hasSizeGreaterThan(1)
        .allSatisfy(url -> assertThat(url).matches(".*/fhir/_async/[0-9a-f-]{36}/Observation-[0-9]+\\.ndjson"));
    assertThat(urls.get(0)).endsWith("/Observation-1.ndjson");
    assertThat(urls.get(1)).endsWith("/Observation-2.ndjson");
    assertThat(exporter.lines(manifest, "output").get("Observation")).hasSize(count("Observation/"));
  }

  @Test
  void aPatientExportHoldsThePatientCompartmentsOnly() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    assertThat(output.keySet()).contains("Patient", "Observation", "Encounter", "Group")
        .doesNotContain("Practitioner", "Organization", "Location");
    Set<String> expected = new TreeSet<>(Set.of("Group/cohort")); // in its members' compartments
    sample.forEach((key, resource) -> {
      if (inCompartmentOf(resource, patients)) {
        expected.add(key);
      }
    });
    assertThat(keys(output)).containsExactlyInAnyOrderElementsOf(expected);
    assertSameAsStored(output);
  }

  @Test
  void aGroupExportHoldsItsActivePatientMembersAndReportsOtherMembers() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Group/cohort/$export"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    Set<String> expected = new TreeSet<>(Set.of("Group/cohort"));
    sample.forEach((key, resource) -> {
      if (inCompartmentOf(resource, List.of(patients.get(0)))) {
        expected.add(key);
      }
    });
    assertThat(keys(output)).containsExactlyInAnyOrderElementsOf(expected);
    assertSameAsStored(output);
    List<String> errors = exporter.lines(manifest, "error").get("OperationOutcome");
    assertThat(errors).singleElement().satisfies(line -> assertThat(line).contains("Practitioner/" + practitioner)
        .contains("\"resourceType\":\"OperationOutcome\""));
  }

  @Test
  void typesOutsideTheCompartmentAreExportedWhenNamedAndReferenced() {
    JsonNode manifest = exporter.manifest(exporter.start(
        "/fhir/Group/cohort/$export?_type=Patient,Encounter,Practitioner"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    assertThat(output.keySet()).containsExactlyInAnyOrder("Patient", "Encounter", "Practitioner");
    Set<String> referenced = practitionersReferenced(output.get("Encounter"), target -> true);
    assertThat(referenced).isNotEmpty();
    assertThat(keys(Map.of("Practitioner", output.get("Practitioner")))).containsExactlyInAnyOrderElementsOf(
        referenced);
  }

  @Test
  void aReferencedTypesTypeFilterKeepsOnlyTheReferencedThatMatch() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export?_type=Encounter,Practitioner"
        + "&_typeFilter=Practitioner%3Fgender%3Dfemale"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    Set<String> referenced = practitionersReferenced(output.get("Encounter"),
        target -> target.path("gender").asText().equals("female"));
    assertThat(referenced).isNotEmpty().hasSizeLessThan(practitionersReferenced(output.get("Encounter"),
        target -> true).size());
    assertThat(keys(Map.of("Practitioner", output.get("Practitioner")))).containsExactlyInAnyOrderElementsOf(
        referenced);
  }

  @Test
  void anEmptyTypeNamesNoTypeAndBringsNoneOutsideTheCompartment() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export?_type="));

    assertThat(manifest.path("output").findValuesAsText("type")).contains("Patient", "Observation")
        .doesNotContain("Practitioner", "Organization", "Location", "Medication");
  }

  @AfterEach
  void deleteAddedProvenance() {
    RECORDED.forEach(year -> server.http().send("DELETE", "/fhir/Provenance/recorded-" + year, null));
  }

  @Test
  void relevantProvenanceIsEveryProvenanceThatTargetsAnExportedResource() {
    List<String> added = provenanceOfTheFirstObservation();

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Group/cohort/$export?_type=Observation"
        + "&includeAssociatedData=RelevantProvenanceResources"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    Set<String> observations = new HashSet<>(keys(Map.of("Observation", output.get("Observation"))));
    Set<String> expected = new TreeSet<>(added);
    sample.forEach((key, resource) -> {
      if (key.startsWith("Provenance/") && targets(resource).stream().anyMatch(observations::contains)) {
        expected.add(key);
      }
    });
    assertThat(expected).hasSizeGreaterThan(added.size()).hasSizeLessThan(count("Provenance/") + added.size());
    assertThat(keys(Map.of("Provenance", output.get("Provenance")))).containsExactlyInAnyOrderElementsOf(expected);
    assertSameAsStored(output);
  }

  @Test
  void latestProvenanceIsEachExportedResourcesMostRecentlyRecordedOne() {
    List<String> added = provenanceOfTheFirstObservation();

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Group/cohort/$export?_type=Observation"
        + "&includeAssociatedData=LatestProvenanceResources"));

    List<String> provenance = keys(Map.of("Provenance", exporter.lines(manifest, "output").get("Provenance")));
    assertThat(provenance).contains(added.get(1)).doesNotContain(added.get(0));
    assertThat(provenance).anySatisfy(key -> assertThat(sample).containsKey(key));
  }

  @Test
  void provenanceExportedAsATypeAndAsAssociatedDataIsWrittenOnce() {
    List<String> added = provenanceOfTheFirstObservation();

    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export?_type=Observation,Provenance"
        + "&includeAssociatedData=RelevantProvenanceResources"));

    List<String> provenance = keys(Map.of("Provenance", exporter.lines(manifest, "output").get("Provenance")));
    Set<String> expected = new TreeSet<>(added);
    sample.keySet().stream().filter(key -> key.startsWith("Provenance/")).forEach(expected::add);
    assertThat(provenance).containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * Two Provenance of the first patient's first Observation, in no patient's compartment: one recorded in 1990,
   * one in 2090, later than any of the sample's; their keys, in that order.
   */
  private static List<String> provenanceOfTheFirstObservation() {
    String observation = sample.entrySet().stream().filter(entry -> entry.getKey().startsWith("Observation/"))
        .filter(entry -> inCompartmentOf(entry.getValue(), List.of(patients.get(0)))).map(Map.Entry::getKey)
        .sorted().findFirst().orElseThrow();
    List<String> keys = new ArrayList<>();
    for (String year : RECORDED) {
      String id = "recorded-" + year;
      server.http().put("/fhir/Provenance/" + id, "{\"resourceType\":\"Provenance\",\"id\":\"" + id + "\","
          + "\"target\":[{\"reference\":\"" + observation + "\"}],\"recorded\":\"" + year
          + "-01-01T00:00:00Z\",\"agent\":[{\"who\":{\"display\":\"a test\"}}]}");
      keys.add("Provenance/" + id);
    }
    return keys;
  }

  private static List<String> targets(JsonNode provenance) {
    List<String> targets = new ArrayList<>();
    provenance.path("target").forEach(target -> targets.add(target.path("reference").asText()));
    return targets;
  }

  @Test
  void typeFiltersOfOneTypeAreEitherOr() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/Patient/$export?_type=Observation,Condition"
        + "&_typeFilter=Observation%3Fcategory%3Dlaboratory,Observation%3Fcategory%3Dvital-signs"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    long expected = sample.values().stream().filter(resource -> resource.path("resourceType").asText()
        .equals("Observation")).filter(resource -> {
          String category = resource.path("category").path(0).path("coding").path(0).path("code").asText();
          return category.equals("laboratory") || category.equals("vital-signs");
        }).count();
    assertThat(expected).isPositive().isLessThan(count("Observation/"));
    assertThat(output.get("Observation")).hasSize((int) expected);
    assertThat(output.get("Condition")).hasSize(count("Condition/"));
  }

  @Test
  void elementsAreKeptWithTheMandatoryOnesAndMarkedSubsetted() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_type=Patient,Observation"
        + "&_elements=birthDate,Observation.subject"));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    JsonNode patient = Exporter.tree(output.get("Patient").get(0));
    JsonNode observation = Exporter.tree(output.get("Observation").get(0));
    assertThat(fields(patient)).containsExactlyInAnyOrder("resourceType", "id", "meta", "birthDate");
    assertThat(fields(observation)).containsExactlyInAnyOrder("resourceType", "id", "meta", "status", "code",
        "subject");
    assertThat(observation.path("meta").path("tag").toString()).contains("SUBSETTED");
  }

  @Test
  void aPostNamesPatientsInItsParametersBody() {
    String parameters = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_type\",\"valueString\":"
        + "\"Patient,Condition\"},{\"name\":\"patient\",\"valueReference\":{\"reference\":\"Patient/"
        + patients.get(2) + "\"}}]}";

    JsonNode manifest = exporter.manifest(exporter.post("/fhir/Patient/$export", parameters));

    Map<String, List<String>> output = exporter.lines(manifest, "output");
    assertThat(keys(Map.of("Patient", output.get("Patient")))).containsExactly("Patient/" + patients.get(2));
    assertThat(output.get("Condition")).allSatisfy(line -> assertThat(line).contains(patients.get(2)));
  }

  @Test
  void filesAreGzippedForClientsThatAcceptIt() {
    JsonNode manifest = exporter.manifest(exporter.start("/fhir/$export?_type=Patient"));
    String url = manifest.path("output").path(0).path("url").asText();

    io.brazier.server.Http.Response zipped = server.http().get(Exporter.path(url), "Accept-Encoding", "gzip");
    io.brazier.server.Http.Response plain = server.http().get(Exporter.path(url));

    assertThat(zipped.header("Content-Encoding")).hasValue("gzip");
    assertThat(zipped.header("Content-Type")).hasValueSatisfying(type -> assertThat(type)
        .startsWith("application/fhir+ndjson"));
    assertThat(plain.header("Content-Encoding")).isEmpty();
    assertThat(plain.body().lines()).hasSize(patients.size());
  }

  /** Each line is the stored JSON of its resource, byte for byte. */
  private static void assertSameAsStored(Map<String, List<String>> output) {
    List<String> keys = new ArrayList<>(keys(output));
    Map<String, ResourceVersion> stored = server.store().current(keys);
    output.forEach((type, lines) -> lines.forEach(line -> {
      JsonNode resource = Exporter.tree(line);
      String key = type + "/" + resource.path("id").asText();
      assertThat(line).as(key).isEqualTo(new String(stored.get(key).json(), StandardCharsets.UTF_8));
    }));
  }

  /** The Type/id of every line, each only once. */
  /** The Practitioners ({@code Type/id}) that these Encounters refer to and {@code kept} keeps. */
  private static Set<String> practitionersReferenced(List<String> encounters, Predicate<JsonNode> kept) {
    Set<String> referenced = new TreeSet<>();
    for (String line : encounters) {
      Exporter.tree(line).findValues("reference").forEach(reference -> {
        if (reference.asText().startsWith("Practitioner/") && kept.test(sample.get(reference.asText()))) {
          referenced.add(reference.asText());
        }
      });
    }
    return referenced;
  }

  private static List<String> keys(Map<String, List<String>> output) {
    List<String> keys = new ArrayList<>();
    output.forEach((type, lines) -> lines.forEach(line -> keys.add(type + "/" + Exporter.tree(line).path("id")
        .asText())));
    assertThat(new HashSet<>(keys)).as("each resource once").hasSameSizeAs(keys);
    return keys;
  }

  private static int count(String prefix) {
    return (int) sample.keySet().stream().filter(key -> key.startsWith(prefix)).count();
  }

  /** Whether a sample resource is, or refers to, one of the patients (the sample's compartment references). */
  private static boolean inCompartmentOf(JsonNode resource, List<String> ids) {
    String type = resource.path("resourceType").asText();
    if (type.equals("Patient")) {
      return ids.contains(resource.path("id").asText());
    }
    if (Set.of("Practitioner", "Organization", "Location", "Medication").contains(type)) {
      return false;
    }
    return resource.findValues("reference").stream().anyMatch(reference -> ids.stream()
        .anyMatch(id -> reference.asText().equals("Patient/" + id)));
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
