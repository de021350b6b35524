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
 *
 * <p>{@link #binary} rows use COPY's binary format instead: each value is its length and its bytes as the column's
 * type receives them, so bytes travel as they are (hex doubles them, and the server scans and decodes every
 * character) and nothing is escaped. Each value's Java type must then be the column's: {@code Long} for bigint,
 * {@code Integer} for integer, {@code Short} for smallint, {@code String} for text, {@code byte[]} for bytea,
 * {@code Instant} for timestamptz.
 */
final class CopyRows {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** The binary format's signature, flags and header extension length. */
  private static final byte[] BINARY_HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  /** PostgreSQL's epoch for timestamps, 2000-01-01T00:00:00Z, in seconds of the Unix epoch. */
  private static final long POSTGRES_EPOCH = 946_684_800L;

  private final String table;
  private final String columns;
  private final boolean binary;
  /** The rows so far: a batch's bodies make tens of megabytes, written without a lock per byte as a stream has. */
  private byte[] buffer = new byte[1 << 16];
  private int size;
  private boolean rowStarted;
  private int rows;
  /** In binary, where the current row's field count goes, and the count so far. */
  private int rowAt;
  private short fields;

  /** Rows for {@code table} ({@code columns}: comma-separated, in the order each row gives its values). */
  CopyRows(String table, String columns) {
    this(table, columns, false);
  }

  private CopyRows(String table, String columns, boolean binary) {
    this.table = table;
    this.columns = columns;
    this.binary = binary;
    if (binary) {
      System.arraycopy(BINARY_HEADER, 0, buffer, 0, BINARY_HEADER.length);
      size = BINARY_HEADER.length;
    }
  }

  /** Rows in COPY's binary format, each value of its column's Java type (see above). */
  static CopyRows binary(String table, String columns) {
    return new CopyRows(table, columns, true);
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
    if (binary) {
      return binaryValue(value);
    }
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
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      decimal(((Number) value).longValue());
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
    if (binary) {
      startBinaryRow();
      buffer[rowAt] = (byte) (fields >> 8);
      buffer[rowAt + 1] = (byte) fields;
    } else {
      write('\n');
    }
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
        .copyIn("COPY " + table + " (" + columns + ") FROM STDIN" + (binary ? " (FORMAT binary)" : ""));
    try {
      copy.writeToCopy(buffer, 0, size);
      if (binary) {
        copy.writeToCopy(new byte[] {-1, -1}, 0, 2); // the trailer: a field count of -1
      }
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  /**
   * A string as UTF-8, escaped. Most are ASCII and need no escape: their characters are copied as bytes in one pass;
   * the rest go through their UTF-8 bytes one by one (a byte of a multi-byte character is never one of the escaped
   * ones).
   */
  private void string(String value) {
    int length = value.length();
    ensure(length);
    byte[] out = buffer;
    int at = size;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x80 || c < ' ' || c == '\\') {
        escapedFrom(value, i);
        return;
      }
      out[at + i] = (byte) c;
    }
    size = at + length;
  }

  /** The rest of a string from {@code from}, whose first {@code from} characters were ASCII and are written. */
  private void escapedFrom(String value, int from) {
    size += from;
    byte[] utf8 = value.substring(from).getBytes(StandardCharsets.UTF_8);
    ensure(2 * utf8.length);
    for (byte b : utf8) {
      escaped(b);
    }
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

  /** A whole number as its decimal digits, without making a string of it: rids, keys and dates fill index rows. */
  private void decimal(long value) {
    if (value == Long.MIN_VALUE) {
      ascii(Long.toString(value)); // its magnitude has no long
      return;
    }
    ensure(20);
    long rest = value;
    if (rest < 0) {
      buffer[size++] = '-';
      rest = -rest;
    }
    int digits = 1;
    for (long left = rest / 10; left > 0; left /= 10) {
      digits++;
    }
    for (int i = size + digits - 1; i >= size; i--) {
      buffer[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    size += digits;
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

  /** A value in the binary format: its length (-1 for null), then its bytes as its column's type receives them. */
  private CopyRows binaryValue(Object value) {
    startBinaryRow();
    fields++;
    if (value == null) {
      int32(-1);
    } else if (value instanceof byte[] bytes) {
      sized(bytes);
    } else if (value instanceof String string) {
      sized(string.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Long number) {
      int32(8);
      int64(number);
    } else if (value instanceof Integer number) {
      int32(4);
      int32(number);
    } else if (value instanceof Short number) {
      int32(2);
      ensure(2);
      put((byte) (number >> 8), number.byteValue());
    } else if (value instanceof Instant instant) {
      int32(8); // timestamptz: microseconds since PostgreSQL's epoch
      int64((instant.getEpochSecond() - POSTGRES_EPOCH) * 1_000_000L + instant.getNano() / 1_000);
    } else {
      throw new IllegalArgumentException("No binary COPY encoding for " + value.getClass().getName());
    }
    return this;
  }

  /** Reserves the field count of a row at its first value. */
  private void startBinaryRow() {
    if (!rowStarted) {
      rowStarted = true;
      rowAt = size;
      fields = 0;
      ensure(2);
      size += 2;
    }
  }

  private void sized(byte[] bytes) {
    int32(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buffer, size, bytes.length);
    size += bytes.length;
  }

  private void int32(int value) {
    ensure(4);
    buffer[size++] = (byte) (value >> 24);
    buffer[size++] = (byte) (value >> 16);
    buffer[size++] = (byte) (value >> 8);
    buffer[size++] = (byte) value;
  }

  private void int64(long value) {
    int32((int) (value >> 32));
    int32((int) value);
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
