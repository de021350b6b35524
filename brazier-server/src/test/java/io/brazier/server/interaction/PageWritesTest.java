package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.store.Write;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageWritesTest {
  private final PageWrites page = new PageWrites();

  @Test
  void requestsThatNeedTheSamePlaceholderShareOneWriteOfIt() {
    Write placeholder = write("Organization", "missing");

    page.add(List.of(placeholder), List.of(write("Patient", "a")));
    page.add(List.of(write("Organization", "missing")), List.of(write("Patient", "b")));

    assertThat(page.writes()).extracting(write -> write.type() + "/" + write.id())
        .containsExactly("Organization/missing", "Patient/a", "Patient/b");
    assertThat(page.writes().get(0)).isSameAs(placeholder);
  }

  @Test
  void aRequestThatWritesAResourceAnotherWritesIsA409AndStagesNothing() {
    page.add(List.of(write("Organization", "missing")), List.of(write("Patient", "a")));

    assertThatThrownBy(() -> page.add(List.of(), List.of(write("Patient", "a"))))
        .isInstanceOfSatisfying(FhirException.class, e -> assertThat(e.status()).isEqualTo(409))
        .hasMessageContaining("Patient/a");
    assertThatThrownBy(() -> page.add(List.of(), List.of(write("Organization", "missing"))))
        .as("a resource another request writes as a placeholder").isInstanceOf(FhirException.class);
    assertThatThrownBy(() -> page.add(List.of(write("Patient", "a")), List.of(write("Patient", "c"))))
        .as("a placeholder for a resource another request writes").isInstanceOf(FhirException.class);
    assertThat(page.writes()).hasSize(2);
  }

  @Test
  void aPlaceholderStaysForTheOthersWhenTheFirstRequestThatNeededItIsDropped() {
    page.add(List.of(write("Organization", "missing")), List.of(write("Patient", "a")));
    page.refused();
    page.add(List.of(write("Organization", "missing")), List.of(write("Patient", "b")));

    int first = page.writer("Organization", "missing");
    page.drop(first);

    assertThat(first).isZero();
    assertThat(page.writer("Organization", "missing")).isEqualTo(2);
    assertThat(page.writer("Patient", "a")).isEqualTo(-1);
    assertThat(page.writes()).extracting(write -> write.type() + "/" + write.id())
        .containsExactly("Organization/missing", "Patient/b");
  }

  private static Write write(String type, String id) {
    return Write.delete(type, id, 2, Instant.now());
  }
}
