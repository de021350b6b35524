package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExportSourceTest {

  @Test
  void noBaseAddressIsTheLoadersOwnServer() {
    ExportSource own = ExportSource.of(null, null);

    assertThat(own).isEqualTo(ExportSource.OWN);
    assertThat(own.own()).isTrue();
    assertThat(own.describe()).isEqualTo("this loader's FHIR server");
  }

  @Test
  void anAudienceWithoutABaseAddressIsRefusedSayingWhatItIsFor() {
    assertThatThrownBy(() -> ExportSource.of(null, "https://fhir.example"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_audience goes with _baseAddress");
  }

  @Test
  void aBaseAddressLosesItsTrailingSlashAndIsItsOwnAudienceUnlessOneIsNamed() {
    ExportSource plain = ExportSource.of("https://fhir.example/r4/", null);
    ExportSource named = ExportSource.of("http://fhir.example:8080/r4", "api://brazier");

    assertThat(plain.base()).isEqualTo(URI.create("https://fhir.example/r4"));
    assertThat(plain.tokenAudience()).isEqualTo("https://fhir.example/r4");
    assertThat(named.tokenAudience()).isEqualTo("api://brazier");
    assertThat(named.describe()).isEqualTo("http://fhir.example:8080/r4 (token for api://brazier)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fhir.example/r4", "ftp://fhir.example/r4", "file:///etc/passwd", "https:///r4",
      "https://fhir.example/r4?_count=1", "https://fhir example/r4", "javascript:alert(1)", ""})
  void anythingButTheHttpBaseUrlOfAServerIsRefusedWithAnExample(String base) {
    assertThatThrownBy(() -> ExportSource.of(base, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("_baseAddress must be the http(s) base URL of a FHIR server, such as"
            + " https://fhir.example/fhir, not " + base);
  }
}
