package io.brazier.store.sql;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
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
  /** The rows so far: a batch's bodies make tens of megabytes, written without a lock per byte as a stream has. */
  private byte[] buffer = new byte[1 << 16];
  private int size;
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
      write('\t');
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
    write('\n');
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
      copy.writeToCopy(buffer, 0, size);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /**
   * A string as UTF-8, escaped. Most need no escape: they are copied whole (the JDK encodes an ASCII string with a
   * copy); the rest byte by byte (a byte of a multi-byte character is never one of the escaped ones).
   */
  private void string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    ensure(2 * utf8.length);
    if (needsNoEscape(utf8)) {
      System.arraycopy(utf8, 0, buffer, size, utf8.length);
      size += utf8.length;
    } else {
      for (byte b : utf8) {
        escaped(b);
      }
    }
  }

  /** No backslash and no control character (the escaped ones are among them). */
  private static boolean needsNoEscape(byte[] utf8) {
    for (byte b : utf8) {
      if (b == '\\' || b >= 0 && b < ' ') {
        return false;
      }
    }
    return true;
  }

  private void escaped(byte b) {
    switch (b) {
      case '\\' -> put((byte) '\\', (byte) '\\');
      case '\t' -> put((byte) '\\', (byte) 't');
      case '\n' -> put((byte) '\\', (byte) 'n');
      case '\r' -> put((byte) '\\', (byte) 'r');
      default -> buffer[size++] = b;
    }
  }

  private void put(byte first, byte second) {
    buffer[size++] = first;
    buffer[size++] = second;
  }

  private void ascii(String value) {
    ensure(value.length());
    for (int i = 0; i < value.length(); i++) {
      buffer[size++] = (byte) value.charAt(i);
    }
  }

  private void write(char c) {
    ensure(1);
    buffer[size++] = (byte) c;
  }

  /** Room for {@code more} bytes. */
  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, size + more));
    }
  }

  /** Bytes as bytea's hex input, its backslash escaped for COPY: {@code \\x0a1b}. */
  private void bytea(byte[] bytes) {
    ensure(3 + 2 * bytes.length);
    put((byte) '\\', (byte) '\\');
    buffer[size++] = 'x';
    for (byte b : bytes) {
      put(HEX[(b >> 4) & 0xf], HEX[b & 0xf]);
    }
  }
}
