package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.ServerConfig.ReferentialIntegrity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The server's configuration: the defaults of {@code brazier serve}, each flag checked, and each copy's changes. */
class ServerConfigTest {
  private final ServerConfig defaults = ServerConfig.defaults();

  @Test
  void theDefaultsListenLocallyAndEnforceReferences() {
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.baseUrl()).isNull();
    assertThat(defaults.trustForwardedHeaders()).isFalse();
    assertThat(defaults.corsOrigins()).isEmpty();
    assertThat(defaults.lenient()).isFalse();
    assertThat(defaults.pageSize()).isLessThanOrEqualTo(defaults.maxPageSize());
    assertThat(defaults.referentialIntegrity()).isEqualTo(ReferentialIntegrity.ENFORCE);
    assertThat(defaults.missingReferences()).isEqualTo(MissingReferences.ERROR);
    assertThat(defaults.imports()).isEqualTo(ImportConfig.NONE);
    assertThat(defaults.exports()).isNotNull();
  }

  @Test
  void aValueOutOfRangeIsRefusedNamingItsFlag() {
    assertRefused(c -> c.withPort(65_536), "--port");
    assertRefused(c -> c.withPort(-1), "--port");
    assertRefused(c -> c.withLimits(1023, 100), "--max-body-bytes");
    assertRefused(c -> c.withLimits(1024, 0), "--conditional-delete-max");
    assertRefused(c -> c.withMaxIndexEntries(0), "--max-index-entries");
    assertRefused(c -> c.withPageSizes(0, 10), "--page-size");
    assertRefused(c -> c.withPageSizes(50, 49), "--max-page-size");
    assertRefused(c -> c.withMaxIncludes(0), "--max-includes");
    assertRefused(c -> c.withBundles(0, 1024, ReferentialIntegrity.ENFORCE, MissingReferences.ERROR),
        "--bundle-max-entries");
    assertRefused(c -> c.withBundles(1, 1023, ReferentialIntegrity.ENFORCE, MissingReferences.ERROR),
        "--bundle-max-bytes");
    assertRefused(c -> c.withBundles(1, 1024, null, MissingReferences.ERROR), "--referential-integrity");
    assertRefused(c -> c.withBundles(1, 1024, ReferentialIntegrity.ENFORCE, null), "--missing-references");
  }

  @Test
  void theSmallestValuesAllowedAreAccepted() {
    ServerConfig smallest = defaults.withPort(0).withLimits(1024, 1).withPageSizes(1, 1)
        .withBundles(1, 1024, ReferentialIntegrity.LENIENT, MissingReferences.PLACEHOLDER).withMaxIndexEntries(1)
        .withMaxIncludes(1);

    assertThat(smallest.port()).isZero();
    assertThat(smallest.maxBodyBytes()).isEqualTo(1024);
    assertThat(smallest.maxPageSize()).isEqualTo(1);
    assertThat(smallest.maxIndexEntries()).isEqualTo(1);
  }

  @Test
  void aBaseUrlLosesItsTrailingSlash() {
    assertThat(defaults.withBaseUrl("https://fhir.example.org/r4/", true).baseUrl())
        .isEqualTo("https://fhir.example.org/r4");
  }

  @Test
  void unsetImportsExportsAndProfileValidationTakeTheirDefaults() {
    ServerConfig config = new ServerConfig("0.0.0.0", 0, null, false, 1024, 1, List.of(), false, 1, 1, 1, 1, 1024,
        ReferentialIntegrity.ENFORCE, MissingReferences.ERROR, null, null, 1, null);

    assertThat(config.imports()).isEqualTo(ImportConfig.NONE);
    assertThat(config.exports()).isNotNull();
    assertThat(config.profileValidation()).isEqualTo(ServerConfig.ProfileValidation.OFF);
  }

  @Test
  void theCorsOriginsAreACopy() {
    List<String> origins = new ArrayList<>(List.of("https://app.example.org"));
    ServerConfig config = defaults.withCorsOrigins(origins);

    origins.add("https://evil.example.org");

    assertThat(config.corsOrigins()).containsExactly("https://app.example.org");
  }

  @Test
  void eachCopyChangesOnlyItsOwnSettings() {
    ServerConfig changed = defaults.withPort(9090).withBaseUrl("https://fhir.example.org", true).withLimits(4096, 7)
        .withPageSizes(5, 50).withBundles(10, 2048, ReferentialIntegrity.LENIENT, MissingReferences.PLACEHOLDER)
        .withLenient(true).withCorsOrigins(List.of("https://app.example.org")).withMaxIndexEntries(300)
        .withMaxIncludes(20).withProfileValidation(new ServerConfig.ProfileValidation(true, false));

    assertThat(changed).isEqualTo(new ServerConfig(defaults.host(), 9090, "https://fhir.example.org", true, 4096, 300,
        List.of("https://app.example.org"), true, 7, 5, 50, 10, 2048, ReferentialIntegrity.LENIENT,
        MissingReferences.PLACEHOLDER, defaults.imports(), defaults.exports(), 20,
        new ServerConfig.ProfileValidation(true, false)));
  }

  private void assertRefused(UnaryOperator<ServerConfig> change, String flag) {
    assertThatThrownBy(() -> change.apply(defaults)).as(flag)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(flag);
  }
}
