package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.TestStore;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rows sent with COPY arrive as they were given, whatever characters their values hold. */
class CopyRowsTest {
  private final TestStore test = TestStore.shared();
  private final String table = "copy_test_" + UUID.randomUUID().toString().replace("-", "");

  @Test
  void valuesArriveExactlyAsGivenNullsAndEscapesIncluded() throws SQLException {
    String awkward = "tab\there, line\nbreak, return\r, back\\slash \\N, quote ' \" and Ünïcode ✓ 🔥\tafter";
    byte[] bytes = {0, 1, (byte) 0xff, '\\', '\n', 'x'};
    Instant at = Instant.parse("2021-03-04T05:06:07.089Z");

    List<String> rows = copyAndRead(new CopyRows(table, "t, b, n, d, at, w").row(awkward, bytes, 42L,
        new BigDecimal("1.50"), at, IndexRows.lexemes("beta alpha")).row(null, null, null, null, null, null));

    assertThat(rows).containsExactly(
        awkward + "|" + hex(bytes) + "|42|1.50|" + at + "|'alpha' 'beta'",
        "null|null|null|null|null|null");
  }

  @Test
  void rowsLargerThanTheFirstBufferArriveWhole() throws SQLException {
    String text = "line\\".repeat(20_000) + "Ünïcode";
    byte[] bytes = new byte[50_000];
    Arrays.fill(bytes, (byte) 0xab);

    List<String> rows = copyAndRead(new CopyRows(table, "t, b").row(text, bytes).row("after", null));

    assertThat(rows).containsExactly(text + "|" + hex(bytes) + "|null|null|null|null",
        "after|null|null|null|null|null");
  }

  @Test
  void binaryRowsArriveExactlyAsGivenNullsIncluded() throws SQLException {
    String awkward = "tab\there, line\nbreak, back\\slash \\N, Ünïcode ✓ 🔥";
    byte[] bytes = new byte[70_000]; // larger than the first buffer, every byte value
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    Instant at = Instant.parse("1999-12-31T23:59:59.123456Z");

    try (Connection connection = test.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("CREATE TEMPORARY TABLE " + table + " (t text, b bytea, n bigint, i integer, s smallint,"
          + " at timestamptz) ON COMMIT DROP");
      CopyRows.binary(table, "t, b, n, i, s, at").row(awkward, bytes, -42L, 7, (short) -3, at)
          .row(null, null, null, null, null, null).copy(connection);
      List<String> read = new ArrayList<>();
      try (ResultSet row = statement.executeQuery("SELECT t, b, n, i, s, at FROM " + table + " ORDER BY n")) {
        while (row.next()) {
          byte[] b = row.getBytes(2);
          read.add(row.getString(1) + "|" + (b == null ? null : Arrays.equals(b, bytes)) + "|" + row.getString(3)
              + "|" + row.getString(4) + "|" + row.getString(5) + "|"
              + (row.getTimestamp(6) == null ? null : row.getTimestamp(6).toInstant()));
        }
      }
      connection.rollback();

      assertThat(read).containsExactly(awkward + "|true|-42|7|-3|" + at, "null|null|null|null|null|null");
    }
  }

  @Test
  void wholeNumbersArriveAsGivenTheExtremesIncluded() throws SQLException {
    List<Long> numbers = List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000_000_007L, -10L, -9L, -1L, 0L, 1L, 9L,
        10L, 99L, 100L, 1_234_567_890_123L, Long.MAX_VALUE);
    CopyRows rows = new CopyRows(table, "n, d");
    numbers.forEach(n -> rows.row(n, n));
    rows.row(Integer.MIN_VALUE, Integer.MAX_VALUE).row((short) -32768, (short) 32767);

    List<String> read = copyAndRead(rows);

    List<String> expected = new ArrayList<>();
    numbers.forEach(n -> expected.add("null|null|" + n + "|" + n + "|null|null"));
    expected.add("null|null|" + Integer.MIN_VALUE + "|" + Integer.MAX_VALUE + "|null|null");
    expected.add("null|null|-32768|32767|null|null");
    assertThat(read).containsExactlyElementsOf(expected);
  }

  @Test
  void aStringEscapedAfterAnAsciiStartArrivesWhole() throws SQLException {
    List<String> texts = List.of("plain ascii", "ascii then\tab\tand\nbreak", "ascii then Ünïcode",
        "\tat the start", "ends with a backslash\\", "");

    CopyRows rows = new CopyRows(table, "t");
    texts.forEach(rows::row);

    assertThat(copyAndRead(rows)).containsExactlyElementsOf(texts.stream()
        .map(t -> t + "|null|null|null|null|null").toList());
  }

  @Test
  void noRowsSendNothing() throws SQLException {
    CopyRows none = new CopyRows(table, "t");

    List<String> rows = copyAndRead(none);

    assertThat(none.isEmpty()).isTrue();
    assertThat(rows).isEmpty();
  }

  @Test
  void lexemesAreTheTsvectorThatArrayToTsvectorMakes() throws SQLException {
    String words = "zeta alpha o'neil back\\slash alpha";

    try (Connection connection = test.database().dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT '" + IndexRows.lexemes(words).replace("'", "''")
            + "'::tsvector = array_to_tsvector(string_to_array('" + words.replace("'", "''") + "', ' '))")) {
      row.next();

      assertThat(row.getBoolean(1)).isTrue();
    }
  }

  private List<String> copyAndRead(CopyRows rows) throws SQLException {
    try (Connection connection = test.database().dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("CREATE TEMPORARY TABLE " + table + " (t text, b bytea, n bigint, d numeric,"
          + " at timestamptz, w tsvector) ON COMMIT DROP");
      rows.copy(connection);
      List<String> read = new ArrayList<>();
      try (ResultSet row = statement.executeQuery("SELECT t, b, n, d, at, w::text FROM " + table)) {
        while (row.next()) {
          byte[] b = row.getBytes(2);
          read.add(row.getString(1) + "|" + (b == null ? null : hex(b)) + "|" + row.getString(3) + "|"
              + row.getString(4) + "|" + (row.getTimestamp(5) == null ? null : row.getTimestamp(5).toInstant())
              + "|" + row.getString(6));
        }
      }
      connection.rollback();
      return read;
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }
}
