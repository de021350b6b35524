package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.ServerConfig.MissingReferences;
import io.brazier.server.ServerConfig.ReferentialIntegrity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The server's configuration: the defaults of {@code brazier serve}, each flag checked, and what the builder sets. */
class ServerConfigTest {
  private final ServerConfig defaults = ServerConfig.defaults();

  @Test
  void theDefaultsListenLocallyAndEnforceReferences() {
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(8080);
    assertThat(defaults.baseUrl()).isNull();
    assertThat(defaults.trustForwardedHeaders()).isFalse();
    assertThat(defaults.maxBodyBytes()).isEqualTo(128L * 1024 * 1024);
    assertThat(defaults.maxIndexEntries()).isEqualTo(100_000);
    assertThat(defaults.corsOrigins()).isEmpty();
    assertThat(defaults.lenient()).isFalse();
    assertThat(defaults.conditionalDeleteMax()).isEqualTo(100);
    assertThat(defaults.pageSize()).isEqualTo(20);
    assertThat(defaults.maxPageSize()).isEqualTo(1000);
    assertThat(defaults.bundleMaxEntries()).isEqualTo(50_000);
    assertThat(defaults.bundleMaxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(defaults.referentialIntegrity()).isEqualTo(ReferentialIntegrity.ENFORCE);
    assertThat(defaults.missingReferences()).isEqualTo(MissingReferences.ERROR);
    assertThat(defaults.imports()).isEqualTo(ImportConfig.NONE);
    assertThat(defaults.exports()).isEqualTo(ExportConfig.defaults());
    assertThat(defaults.maxIncludes()).isEqualTo(1000);
    assertThat(defaults.profileValidation()).isEqualTo(ServerConfig.ProfileValidation.OFF);
  }

  @Test
  void aValueOutOfRangeIsRefusedNamingItsFlag() {
    assertRefused(b -> b.port(65_536), "--port");
    assertRefused(b -> b.port(-1), "--port");
    assertRefused(b -> b.maxBodyBytes(1023), "--max-body-bytes");
    assertRefused(b -> b.conditionalDeleteMax(0), "--conditional-delete-max");
    assertRefused(b -> b.maxIndexEntries(0), "--max-index-entries");
    assertRefused(b -> b.pageSize(0), "--page-size");
    assertRefused(b -> b.pageSize(50).maxPageSize(49), "--max-page-size");
    assertRefused(b -> b.maxIncludes(0), "--max-includes");
    assertRefused(b -> b.bundleMaxEntries(0), "--bundle-max-entries");
    assertRefused(b -> b.bundleMaxBytes(1023), "--bundle-max-bytes");
    assertRefused(b -> b.referentialIntegrity(null), "--referential-integrity");
    assertRefused(b -> b.missingReferences(null), "--missing-references");
  }

  @Test
  void theSmallestValuesAllowedAreAccepted() {
    ServerConfig smallest = ServerConfig.builder().port(0).maxBodyBytes(1024).conditionalDeleteMax(1).pageSize(1)
        .maxPageSize(1).bundleMaxEntries(1).bundleMaxBytes(1024).maxIndexEntries(1).maxIncludes(1).build();

    assertThat(smallest.port()).isZero();
    assertThat(smallest.maxBodyBytes()).isEqualTo(1024);
    assertThat(smallest.maxPageSize()).isEqualTo(1);
    assertThat(smallest.maxIndexEntries()).isEqualTo(1);
  }

  @Test
  void aBaseUrlLosesItsTrailingSlash() {
    assertThat(ServerConfig.builder().baseUrl("https://fhir.example.org/r4/").build().baseUrl())
        .isEqualTo("https://fhir.example.org/r4");
  }

  @Test
  void unsetImportsExportsAndProfileValidationTakeTheirDefaults() {
    ServerConfig config = ServerConfig.builder().imports(null).exports(null).profileValidation(null).build();

    assertThat(config.imports()).isEqualTo(ImportConfig.NONE);
    assertThat(config.exports()).isEqualTo(ExportConfig.defaults());
    assertThat(config.profileValidation()).isEqualTo(ServerConfig.ProfileValidation.OFF);
  }

  @Test
  void theCorsOriginsAreACopy() {
    List<String> origins = new ArrayList<>(List.of("https://app.example.org"));
    ServerConfig config = ServerConfig.builder().corsOrigins(origins).build();

    origins.add("https://evil.example.org");

    assertThat(config.corsOrigins()).containsExactly("https://app.example.org");
  }

  @Test
  void theBuilderSetsEachSettingAndACopyKeepsThemAll() {
    ImportConfig imports = new ImportConfig(null, List.of("data.example.org"), null, 5);
    ExportConfig exports = ExportConfig.builder().sync(Duration.ZERO).build();
    ServerConfig.ProfileValidation onCreate = new ServerConfig.ProfileValidation(true, false);

    ServerConfig changed = ServerConfig.builder().host("0.0.0.0").port(9090).baseUrl("https://fhir.example.org")
        .trustForwardedHeaders(true).maxBodyBytes(4096).maxIndexEntries(300)
        .corsOrigins(List.of("https://app.example.org")).lenient(true).conditionalDeleteMax(7).pageSize(5)
        .maxPageSize(50).bundleMaxEntries(10).bundleMaxBytes(2048).referentialIntegrity(ReferentialIntegrity.LENIENT)
        .missingReferences(MissingReferences.PLACEHOLDER).imports(imports).exports(exports).maxIncludes(20)
        .profileValidation(onCreate).build();

    assertThat(changed.host()).isEqualTo("0.0.0.0");
    assertThat(changed.port()).isEqualTo(9090);
    assertThat(changed.baseUrl()).isEqualTo("https://fhir.example.org");
    assertThat(changed.trustForwardedHeaders()).isTrue();
    assertThat(changed.maxBodyBytes()).isEqualTo(4096);
    assertThat(changed.maxIndexEntries()).isEqualTo(300);
    assertThat(changed.corsOrigins()).containsExactly("https://app.example.org");
    assertThat(changed.lenient()).isTrue();
    assertThat(changed.conditionalDeleteMax()).isEqualTo(7);
    assertThat(changed.pageSize()).isEqualTo(5);
    assertThat(changed.maxPageSize()).isEqualTo(50);
    assertThat(changed.bundleMaxEntries()).isEqualTo(10);
    assertThat(changed.bundleMaxBytes()).isEqualTo(2048);
    assertThat(changed.referentialIntegrity()).isEqualTo(ReferentialIntegrity.LENIENT);
    assertThat(changed.missingReferences()).isEqualTo(MissingReferences.PLACEHOLDER);
    assertThat(changed.imports()).isEqualTo(imports);
    assertThat(changed.exports()).isEqualTo(exports);
    assertThat(changed.maxIncludes()).isEqualTo(20);
    assertThat(changed.profileValidation()).isEqualTo(onCreate);
    assertThat(changed.toBuilder().build()).as("a copy").isEqualTo(changed);
    assertThat(changed.toBuilder().port(0).build()).as("a copy with one change").usingRecursiveComparison()
        .ignoringFields("port").isEqualTo(changed);
  }

  private void assertRefused(UnaryOperator<ServerConfig.Builder> change, String flag) {
    assertThatThrownBy(() -> change.apply(ServerConfig.builder()).build()).as(flag)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(flag);
  }
}
