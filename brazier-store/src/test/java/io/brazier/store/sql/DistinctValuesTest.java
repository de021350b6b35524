package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.IndexedValue;
import io.brazier.store.TestStore;
import io.brazier.store.Write;
import io.brazier.store.search.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distinct tags, security labels and profiles in use, as {@code $meta} lists them: the same values a DISTINCT
 * over every row gives, codes and systems that are absent included, found through the index a probe per value
 * however many resources carry them.
 */
class DistinctValuesTest {
  private static final int PATIENTS = 600;
  private static final String SYSTEM = "http://brazier.test/distinct-" + UUID.randomUUID();
  private static final TestStore test = TestStore.shared();
  private static final DataSource dataSource = test.database().dataSource();
  private static final TypeKeys types = new TypeKeys(dataSource, test.fhir().resourceTypes());
  private static final ParamKeys params = new ParamKeys(dataSource, types);

  private final DistinctValues values = new DistinctValues(dataSource, params);

  /** Many patients sharing a few tags, some of them a system without a code or a code without a system. */
  @BeforeAll
  static void tagManyPatients() {
    List<Write> batch = new ArrayList<>();
    for (int i = 0; i < PATIENTS; i++) {
      Patient patient = new Patient();
      patient.setId("distinct-" + UUID.randomUUID());
      patient.getMeta().addTag(SYSTEM, "t" + i % 3, null).addSecurity(SYSTEM, "s" + i % 2, null)
          .addProfile(SYSTEM + "/profile-" + i % 2);
      if (i % 500 == 0) {
        patient.getMeta().addTag(SYSTEM + "/no-code", null, null).addTag(null, "no-system-" + i % 1000, null);
      }
      batch.add(test.write(patient, 1));
    }
    Observation observation = new Observation();
    observation.setId("distinct-" + UUID.randomUUID());
    observation.getMeta().addTag(SYSTEM, "observed", null);
    batch.add(test.write(observation, 1));
    test.store().commit(batch);
  }

  @Test
  void theValuesAreThoseOfADistinctOverEveryRowSortedWithAbsentCodesAndSystems() throws SQLException {
    for (String code : List.of("_tag", "_security", "_profile")) {
      for (List<String> typeNames : List.of(List.of("Patient"), List.of("Patient", "Observation"), List.<String>of())) {
        assertThat(values.of(typeNames, code, 100_000)).as(code + " of " + typeNames)
            .isEqualTo(distinctOverEveryRow(typeNames, code));
      }
    }
    assertThat(values.of(List.of("Patient"), "_tag", 100_000)).filteredOn(value -> value.system() == null
        || value.system().startsWith(SYSTEM)).contains(new IndexedValue(null, "no-system-0"),
            new IndexedValue(null, "no-system-500"), new IndexedValue(SYSTEM, "t0"), new IndexedValue(SYSTEM, "t2"),
            new IndexedValue(SYSTEM + "/no-code", null)).doesNotContain(new IndexedValue(SYSTEM, "observed"));
    assertThat(values.of(List.of("Patient"), "_tag", 2)).hasSize(2);
  }

  @Test
  void eachScanOfTheIndexReadsOneEntryWhateverHowManyResourcesShareAValue() throws SQLException {
    for (String code : List.of("_tag", "_profile")) {
      String plan = explainAnalyze(values.sql(List.of("Patient"), code, 100_000));

      List<String> scans = plan.lines().filter(line -> line.contains(" on search_token")
          || line.contains(" on search_uri")).toList();
      assertThat(scans).as(plan).isNotEmpty().allMatch(line -> line.contains("Index"));
      for (String scan : scans) {
        Matcher rows = Pattern.compile("rows=(\\d+)").matcher(scan);
        long read = rows.find() ? Long.parseLong(rows.group(1)) : 0; // none when never executed
        assertThat(read).as(plan).isLessThanOrEqualTo(1);
      }
    }
  }

  /** The answer as a plain DISTINCT over every row of the parameter gives it. */
  private static List<IndexedValue> distinctOverEveryRow(List<String> typeNames, String code) throws SQLException {
    Sql.Array keys = new Sql.Array("int4", params.lookup().find(typeNames, code));
    Sql sql = new Sql().append("SELECT system, code FROM search_token WHERE param = ANY(?) AND qcode IS NULL", keys)
        .append(" UNION SELECT NULL, value FROM search_uri WHERE param = ANY(?)", keys)
        .append(" ORDER BY 1 NULLS FIRST, 2");
    List<IndexedValue> found = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = SearchReader.prepared(connection, sql);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        found.add(new IndexedValue(rows.getString(1), rows.getString(2)));
      }
    }
    return found;
  }

  /** The plan as run, each node with the rows it gave per loop. */
  private static String explainAnalyze(Sql sql) throws SQLException {
    Sql explain = new Sql().append("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql.text());
    sql.args().forEach(explain::arg);
    StringBuilder plan = new StringBuilder();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = SearchReader.prepared(connection, explain);
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        plan.append(rows.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
