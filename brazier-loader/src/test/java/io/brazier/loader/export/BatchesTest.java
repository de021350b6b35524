package io.brazier.loader.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.loader.PatientExport;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static final List<String> IDS = IntStream.range(0, 7).mapToObj(i -> "patient-" + i).toList();

  @Test
  void everyIncludeRunsForEveryBatchOfAtMostBatchSizeIds() {
    PatientExport request = new PatientExport("Patient", "id", List.of("Patient?_id=$IDS",
        "Observation?patient=$IDS"), 3, 4096);

    List<String> searches = Batches.searches(IDS, request, 30);

    assertThat(searches).containsExactly(
        "Patient?_id=patient-0,patient-1,patient-2", "Observation?patient=patient-0,patient-1,patient-2",
        "Patient?_id=patient-3,patient-4,patient-5", "Observation?patient=patient-3,patient-4,patient-5",
        "Patient?_id=patient-6", "Observation?patient=patient-6");
  }

  @Test
  void aBatchHoldsFewerIdsWhenTheLongestUrlWouldPassMaxUrl() {
    String longest = "Observation?patient=$IDS&category=vital-signs";
    PatientExport request = new PatientExport("Patient", "id", List.of("Patient?_id=$IDS", longest), 50, 256);
    int base = "http://localhost:8080/fhir/".length();
    List<String> ids = IntStream.range(0, 20).mapToObj(i -> "patient-with-a-longer-id-" + i).toList();

    List<String> searches = Batches.searches(ids, request, base);

    assertThat(searches).allMatch(search -> base + search.length() <= 256);
    assertThat(searches.stream().filter(search -> search.startsWith("Patient?"))
        .flatMap(search -> List.of(search.substring("Patient?_id=".length()).split(",")).stream()))
        .containsExactlyElementsOf(ids);
    assertThat(searches).as("more batches than batch size alone makes").hasSizeGreaterThan(2);
  }

  @Test
  void aMaxUrlWithNoRoomForIdsSaysWhatToFix() {
    PatientExport request = new PatientExport("Patient", "id", List.of("Observation?patient=$IDS&" + "x".repeat(200)),
        50, 256);

    assertThatThrownBy(() -> Batches.searches(IDS, request, 30)).hasMessageContaining("--max-url 256 leaves no room");
  }
}
