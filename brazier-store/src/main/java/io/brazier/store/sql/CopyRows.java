package io.brazier.store.sql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Rows for one table in PostgreSQL's COPY text format, sent with one {@code COPY ... FROM STDIN}: a bulk write
 * without the cost of binding each column as an array, on either side (the driver encodes no array, the server
 * parses none, and it inserts rows a page at a time). Values are written as their text input: null as {@code \N},
 * strings with backslash, tab, newline and carriage return escaped, bytes as {@code \x} hex.
 */
final class CopyRows {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private final String table;
  private final String columns;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
  private final StringBuilder text = new StringBuilder();
  private boolean rowStarted;
  private int rows;

  /** Rows for {@code table} ({@code columns}: comma-separated, in the order each row gives its values). */
  CopyRows(String table, String columns) {
    this.table = table;
    this.columns = columns;
  }

  /** Adds a row of these values, in column order. */
  CopyRows row(Object... values) {
    for (Object value : values) {
      value(value);
    }
    return end();
  }

  /** Adds the next value of the current row. */
  CopyRows value(Object value) {
    if (rowStarted) {
      out.write('\t');
    }
    rowStarted = true;
    if (value == null) {
      ascii("\\N");
    } else if (value instanceof byte[] bytes) {
      bytea(bytes);
    } else if (value instanceof String string) {
      string(string);
    } else if (value instanceof Timestamp timestamp) {
      ascii(DateTimeFormatter.ISO_INSTANT.format(timestamp.toInstant()));
    } else if (value instanceof Instant instant) {
      ascii(DateTimeFormatter.ISO_INSTANT.format(instant));
    } else {
      ascii(value.toString()); // a number: its Java text is PostgreSQL's input
    }
    return this;
  }

  /** Ends the current row. */
  CopyRows end() {
    out.write('\n');
    rowStarted = false;
    rows++;
    return this;
  }

  boolean isEmpty() {
    return rows == 0;
  }

  /** Sends the rows in the caller's transaction; nothing when there are none. */
  void copy(Connection connection) throws SQLException {
    if (rows == 0) {
      return;
    }
    CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
        .copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
    try {
      byte[] bytes = out.toByteArray();
      copy.writeToCopy(bytes, 0, bytes.length);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  private void string(String value) {
    text.setLength(0);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> text.append("\\\\");
        case '\t' -> text.append("\\t");
        case '\n' -> text.append("\\n");
        case '\r' -> text.append("\\r");
        default -> text.append(c);
      }
    }
    out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void ascii(String value) {
    for (int i = 0; i < value.length(); i++) {
      out.write(value.charAt(i));
    }
  }

  /** Bytes as bytea's hex input, its backslash escaped for COPY: {@code \\x0a1b}. */
  private void bytea(byte[] bytes) {
    byte[] hex = new byte[3 + 2 * bytes.length];
    hex[0] = '\\';
    hex[1] = '\\';
    hex[2] = 'x';
    for (int i = 0; i < bytes.length; i++) {
      hex[3 + 2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      hex[4 + 2 * i] = HEX[bytes[i] & 0xf];
    }
    out.write(hex, 0, hex.length);
  }
}
