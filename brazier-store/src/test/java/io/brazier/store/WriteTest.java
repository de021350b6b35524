package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.search.SearchIndex;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WriteTest {
  private final Instant at = Instant.parse("2024-05-01T10:00:00Z");

  @Test
  void aDeletionHasNoBodyNoIndexAndItsCallersSource() {
    Write deletion = Write.delete("Patient", "1", 3, at, "urn:caller");

    assertThat(deletion.deleted()).isTrue();
    assertThat(deletion.json()).isNull();
    assertThat(deletion.index()).isSameAs(SearchIndex.EMPTY);
    assertThat(deletion.source()).isEqualTo("urn:caller");
    assertThat(Write.delete("Patient", "1", 3, at).source()).isNull();
  }

  @Test
  void aWriteIsTheVersionItStores() {
    byte[] json = "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8);

    ResourceVersion version = new Write("Patient", "1", 2, at, json, SearchIndex.EMPTY).toVersion();

    assertThat(version).isEqualTo(new ResourceVersion("Patient", "1", 2, at, false, json));
    assertThat(version.etag()).isEqualTo("W/\"2\"");
    assertThat(Write.delete("Patient", "1", 3, at).toVersion().deleted()).isTrue();
  }
}
