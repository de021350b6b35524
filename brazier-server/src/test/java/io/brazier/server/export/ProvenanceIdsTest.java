package io.brazier.server.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.server.ExportConfig;
import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.server.terminology.StoredTerminology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which Provenance an export writes beside its resources, read back from its finished files (more lines than one
 * scan looks for, in two files) and the store as of its sequence: every one that targets an exported resource, or
 * each resource's most recently recorded one (ties to the greater id), less those it wrote as a type of its own.
 */
class ProvenanceIdsTest {
  /** The ids of this run's resources: the same but for their suffixes, which order them. */
  private static final String RUN = UUID.randomUUID().toString();

  @TempDir
  static Path dir;
  private static TestServer server;
  private static ExportParts parts;
  private static ExportFolder folder;
  private static List<FileState> files;
  private static long sequence;
  private static String older;
  private static String tied;
  private static String greaterTied;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.shared();
    FhirSearch search = new FhirSearch(server.fhir());
    ExportScans scans = new ExportScans(search, new StoredTerminology(server.store(), server.fhir()), 100);
    parts = new ExportParts(server.fhir(), server.store(), search, scans, new LocalStorage(dir),
        ExportConfig.defaults());
    String patient = put("Patient", "{\"resourceType\":\"Patient\"}", "-p");
    String first = put("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"a\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}", "-o1");
    String last = put("Observation", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"b\"},"
        + "\"subject\":{\"reference\":\"Patient/" + patient + "\"}}", "-o2");
    older = provenance("2020-01-01T00:00:00Z", "-v0", first);
    tied = provenance("2021-01-01T00:00:00Z", "-v1", first, last);
    greaterTied = provenance("2021-01-01T00:00:00Z", "-v2", last);
    sequence = server.store().watermark();
    provenance("2022-01-01T00:00:00Z", "-v3", first); // after the export's sequence
    folder = new ExportFolder(null, UUID.randomUUID().toString());
    files = write(first, last);
  }

  @Test
  void relevantProvenanceIsEveryOneTargetingAnExportedResourceAsOfTheSequence() {
    assertThat(read(ExportRequest.Provenance.RELEVANT, Map.of())).containsExactlyInAnyOrder(older, tied, greaterTied);
  }

  @Test
  void latestProvenanceIsEachResourcesMostRecentlyRecordedOneTiesToTheGreaterId() {
    assertThat(read(ExportRequest.Provenance.LATEST, Map.of())).containsExactlyInAnyOrder(tied, greaterTied);
  }

  @Test
  void provenanceTheExportWritesAsATypeOfItsOwnIsLeftOut() {
    List<String> ids = read(ExportRequest.Provenance.RELEVANT, Map.of("Provenance", List.of("recorded=lt2021")));

    assertThat(ids).containsExactlyInAnyOrder(tied, greaterTied).isSorted();
  }

  private static List<String> read(ExportRequest.Provenance provenance, Map<String, List<String>> filters) {
    List<String> types = filters.isEmpty() ? List.of("Observation") : List.of("Observation", "Provenance");
    ExportRequest request = Requests.withProvenance(Requests.of(ExportRequest.Level.SYSTEM, null, types, filters,
        sequence), provenance);
    return ProvenanceIds.read(parts, request, folder, files);
  }

  /**
   * Two finished files of the export: {@code first}, then more resources than one scan looks for (not stored), then
   * {@code last}.
   */
  private static List<FileState> write(String first, String last) {
    try (Output output = new Output(parts.storage(), folder, "aaaa0001", 60_000, new Output.Files(List.of(), null))) {
      output.write("Observation", line(first));
      for (int i = 0; i < 1500; i++) {
        output.write("Observation", line("unexported-" + i));
      }
      output.write("Observation", line(last));
      List<FileState> written = output.finish();
      assertThat(written).hasSize(2);
      return written;
    }
  }

  private static byte[] line(String id) {
    return ("{\"resourceType\":\"Observation\",\"id\":\"" + id + "\",\"status\":\"final\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String provenance(String recorded, String suffix, String... targets) {
    StringBuilder json = new StringBuilder("{\"resourceType\":\"Provenance\",\"recorded\":\"" + recorded
        + "\",\"agent\":[{\"who\":{\"display\":\"a test\"}}],\"target\":[");
    for (int i = 0; i < targets.length; i++) {
      json.append(i == 0 ? "" : ",").append("{\"reference\":\"Observation/").append(targets[i]).append("\"}");
    }
    return put("Provenance", json.append("]}").toString(), suffix);
  }

  /** Stores a resource under an id of its own, ending in {@code suffix}; the id. */
  private static String put(String type, String json, String suffix) {
    String id = "provenance-ids-" + RUN + suffix;
    Http.Response stored = server.http().put("/fhir/" + type + "/" + id,
        json.replaceFirst("\\{", "{\"id\":\"" + id + "\","));
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    return id;
  }
}
