package io.brazier.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What a relational target accepts, and the sentence that says what to fix when it does not. */
class TargetConfigTest {
  private static final String URL = "jdbc:postgresql://localhost:5432/crm";

  @Test
  void aPostgresqlUrlAndASchemaNameAreATarget() {
    TargetConfig config = new TargetConfig(URL, "crm", null, "crm_2", 2);

    assertThat(config.schema()).isEqualTo("crm_2");
    assertThat(config.password()).isNull();
  }

  @Test
  void onlyPostgresqlIsATarget() {
    for (String url : Arrays.asList(null, "", "postgresql://localhost/crm", "jdbc:mysql://localhost/crm")) {
      assertThatThrownBy(() -> new TargetConfig(url, "crm", null, "crm", 10)).as(url)
          .hasMessage("--sync-target-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host/db), not " + url);
    }
  }

  @Test
  void theSchemaIsAPlainLowerCaseName() {
    for (String schema : Arrays.asList(null, "", "CRM", "crm-1", "1crm", "crm; drop schema public", "c".repeat(64))) {
      assertThatThrownBy(() -> new TargetConfig(URL, "crm", null, schema, 10)).as(schema)
          .hasMessage("--sync-target-schema must be a lower-case name (letters, digits, _), not " + schema);
    }
    assertThat(new TargetConfig(URL, "crm", null, "_" + "c".repeat(62), 10).schema()).hasSize(63);
  }

  @Test
  void thePoolNeedsTwoConnections() {
    assertThatThrownBy(() -> new TargetConfig(URL, "crm", null, "crm", 1))
        .hasMessage("the target's pool needs at least 2 connections, not 1");
  }
}
