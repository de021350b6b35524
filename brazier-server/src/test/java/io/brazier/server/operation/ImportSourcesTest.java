package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.FhirException;
import io.brazier.server.ImportConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which http(s) URLs {@code --import-hosts} allows: a port listed is the URL's, or its scheme's own. */
class ImportSourcesTest {

  @Test
  void aHostListedWithItsSchemesPortAllowsUrlsThatNameNoPort() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("exports.example.org:443",
        "plain.example.org:80"), null));

    assertThat(sources.source("https://exports.example.org/Patient.ndjson")).isNotNull();
    assertThat(sources.source("https://exports.example.org:443/Patient.ndjson")).isNotNull();
    assertThat(sources.source("http://plain.example.org/Patient.ndjson")).isNotNull();
    assertThatThrownBy(() -> sources.source("http://exports.example.org/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("list exports.example.org:80 in --import-hosts");
    assertThatThrownBy(() -> sources.source("https://exports.example.org:8443/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("exports.example.org:8443");
  }

  @Test
  void aHostListedWithoutAPortAllowsEveryPort() {
    ImportSources sources = new ImportSources(new ImportConfig(null, List.of("Exports.Example.org"), null));

    assertThat(sources.source("https://exports.example.org/Patient.ndjson")).isNotNull();
    assertThat(sources.source("http://EXPORTS.example.org:8080/Patient.ndjson")).isNotNull();
    assertThatThrownBy(() -> sources.source("https://other.example.org/Patient.ndjson"))
        .isInstanceOf(FhirException.class).hasMessageContaining("--import-hosts");
  }
}
