package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.client.HttpFhirClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which servers an export job may read from: an open list would let any caller aim the loader at any URL. */
class ExportSourcesTest {
  private static final URI OWN = URI.create("http://localhost:1/fhir");
  private final List<String> connected = new ArrayList<>();

  @Test
  void theLoadersOwnServerIsAlwaysAllowedAndNeedsNoConnection() {
    ExportSources sources = ExportSources.only(client(OWN), LoaderConfig.defaults());

    assertThat(sources.exporter(ExportSource.OWN)).isNotNull();
  }

  @Test
  void anotherServerNotListedIsRefusedNamingTheFlagThatAllowsIt() {
    ExportSources none = ExportSources.only(client(OWN), LoaderConfig.defaults());
    ExportSources some = sources(List.of(URI.create("https://a.example/fhir"), URI.create("https://b.example/r4/")),
        false);
    ExportSource elsewhere = ExportSource.of("https://c.example/fhir", null);

    assertThatThrownBy(() -> none.exporter(elsewhere)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("_baseAddress https://c.example/fhir is not a source this loader may export from: start it"
            + " with --export-source https://c.example/fhir (it allows none)");
    assertThatThrownBy(() -> some.exporter(elsewhere)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("(it allows https://a.example/fhir, https://b.example/r4)");
    assertThat(connected).isEmpty();
  }

  @Test
  void aListedServerIsReachedWhetherOrNotEitherSideEndsInASlash() {
    ExportSources sources = sources(List.of(URI.create("https://a.example/fhir/")), true);

    sources.exporter(ExportSource.of("https://a.example/fhir", null));
    sources.exporter(ExportSource.of("https://a.example/fhir/", "api://a"));

    assertThat(connected).containsExactly("https://a.example/fhir for https://a.example/fhir",
        "https://a.example/fhir for api://a");
  }

  @Test
  void aServerThatOnlySharesAPrefixWithAListedOneIsRefused() {
    ExportSources sources = sources(List.of(URI.create("https://a.example/fhir")), true);

    for (String base : List.of("https://a.example/fhir/admin", "https://a.example/fhirx", "https://a.example",
        "http://a.example/fhir", "https://user@a.example/fhir")) {
      assertThatThrownBy(() -> sources.exporter(ExportSource.of(base, null))).as(base)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a source this loader may");
    }
    assertThat(connected).isEmpty();
  }

  @Test
  void anAudienceWithoutClientCredentialsIsRefusedNamingTheFlags() {
    ExportSources sources = sources(List.of(URI.create("https://a.example/fhir")), false);

    assertThatThrownBy(() -> sources.exporter(ExportSource.of("https://a.example/fhir", "api://a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--token-url, --client-id, --client-secret");
    assertThat(connected).isEmpty();
  }

  private ExportSources sources(List<URI> allowed, boolean tokens) {
    return new ExportSources(client(OWN), LoaderConfig.defaults(), allowed, (base, audience) -> {
      connected.add(base + " for " + audience);
      return client(base);
    }, tokens);
  }

  private static HttpFhirClient client(URI base) {
    return new HttpFhirClient(base, Optional.empty(), Duration.ofSeconds(5));
  }
}
