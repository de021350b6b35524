package io.brazier.proxy.upstream;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a body with every occurrence of the upstream's base URL replaced by the proxy's, as it streams: fullUrls,
 * paging links, references and the URLs of a bulk export's manifest then point back at the proxy. It holds at most
 * the URL's length in bytes back (a partial match at the end of what was written so far), so a body of any size
 * passes with constant memory. URLs are ASCII, so bytes match as characters would in UTF-8.
 */
final class BaseUrlRewriting extends FilterOutputStream {
  private final byte[] from;
  private final byte[] to;
  /** For each prefix length of {@code from}, the length of its longest proper prefix that is also its suffix. */
  private final int[] fallback;
  private int matched;

  BaseUrlRewriting(OutputStream out, String from, String to) {
    super(out);
    this.from = from.getBytes(StandardCharsets.UTF_8);
    this.to = to.getBytes(StandardCharsets.UTF_8);
    this.fallback = fallback(this.from);
  }

  /** The same replacement on a header's value. */
  static String rewrite(String value, String from, String to) {
    return value == null ? null : value.replace(from, to);
  }

  /** The same replacement on a whole body: the same array when it holds no match. */
  static byte[] rewrite(byte[] body, String from, String to) throws IOException {
    BaseUrlRewriting scan = new BaseUrlRewriting(OutputStream.nullOutputStream(), from, to);
    if (!scan.matches(body)) {
      return body;
    }
    ByteArrayOutputStream rewritten = new ByteArrayOutputStream(body.length + 256);
    try (BaseUrlRewriting out = new BaseUrlRewriting(rewritten, from, to)) {
      out.write(body, 0, body.length);
    }
    return rewritten.toByteArray();
  }

  /**
   * Whether {@code body} holds {@code from} anywhere: its first byte looked for, the rest compared where it is (as
   * {@link #write(byte[], int, int)} does), cheaper than following a match byte by byte.
   */
  private boolean matches(byte[] body) {
    for (int i = 0, last = body.length - from.length; i <= last; i++) {
      if (body[i] == from[0] && Arrays.equals(body, i, i + from.length, from, 0, from.length)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void write(int b) throws IOException {
    byte next = (byte) b;
    while (matched > 0 && from[matched] != next) {
      int kept = fallback[matched - 1];
      out.write(from, 0, matched - kept); // what can no longer be the start of a match
      matched = kept;
    }
    if (from[matched] == next) {
      matched++;
      if (matched == from.length) {
        out.write(to);
        matched = 0;
      }
    } else {
      out.write(next);
    }
  }

  /**
   * Bytes pass in runs, up to each whole match, which is written replaced; only a possible match cut off by the end
   * of {@code bytes} (or one begun in an earlier write) is looked at byte by byte. So the stream below gets few, large
   * writes, and needs no buffer of its own.
   */
  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int end = offset + length;
    int i = offset;
    while (i < end && matched > 0) {
      write(bytes[i++]);
    }
    int run = i;
    for (; i < end; i++) {
      if (bytes[i] != from[0]) {
        continue;
      }
      if (end - i < from.length) {
        break; // a match may continue in the next write
      }
      if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        out.write(bytes, run, i - run);
        out.write(to);
        i += from.length - 1;
        run = i + 1;
      }
    }
    out.write(bytes, run, i - run);
    while (i < end) {
      write(bytes[i++]);
    }
  }

  /** Writes out a partial match left at the end of the body. */
  @Override
  public void close() throws IOException {
    out.write(from, 0, matched);
    matched = 0;
    super.close();
  }

  private static int[] fallback(byte[] pattern) {
    int[] table = new int[pattern.length];
    for (int i = 1, k = 0; i < pattern.length; i++) {
      while (k > 0 && pattern[i] != pattern[k]) {
        k = table[k - 1];
      }
      if (pattern[i] == pattern[k]) {
        k++;
      }
      table[i] = k;
    }
    return table;
  }
}
