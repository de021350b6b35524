package io.brazier.fhir.search;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The words of full-text search ({@code _text}, {@code _content}): runs of letters and digits, mostly letters,
 * folded like strings, at least two characters long. The same splitting serves the indexed text and the searched
 * one.
 */
public final class Words {
  /** Most distinct words indexed per resource and parameter, so that a huge resource stays a bounded entry. */
  static final int MAX_WORDS = 4096;
  private static final int MAX_WORD_LENGTH = 64;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Words() {}

  public static List<String> of(String text) {
    Set<String> words = new LinkedHashSet<>();
    add(words, text);
    return new ArrayList<>(words);
  }

  static void add(Set<String> words, String text) {
    String folded = SearchStrings.fold(text);
    int start = -1;
    int letters = 0;
    for (int i = 0; i <= folded.length() && words.size() < MAX_WORDS; i++) {
      char c = i < folded.length() ? folded.charAt(i) : ' ';
      boolean word = Character.isLetterOrDigit(c);
      if (word && start < 0) {
        start = i;
        letters = 0;
      }
      if (word && Character.isLetter(c)) {
        letters++;
      } else if (!word && start >= 0) {
        int length = i - start;
        // Words are mostly letters: numbers and ids (uuid fragments) are what tokens and dates search.
        if (length >= 2 && length <= MAX_WORD_LENGTH && letters * 2 > length) {
          words.add(folded.substring(start, i));
        }
        start = -1;
      }
    }
  }

  /** Values that are not text a person searches: identifiers, addresses of things, markup, base64. */
  private static final Set<String> NOT_CONTENT = Set.of("div", "data", "id", "reference", "system", "url", "profile",
      "fullUrl", "versionId", "lastUpdated", "source", "valueSet");
  /** {@link #NOT_CONTENT} as UTF-8, so that a key is compared without making a string of it. */
  private static final List<byte[]> NOT_CONTENT_BYTES = NOT_CONTENT.stream()
      .map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();

  /**
   * The words of the string values of a resource's JSON (UTF-8), keys left out, as are the values of
   * {@link #NOT_CONTENT} keys: what {@code _content} searches. It runs on every write, so it reads the bytes as
   * they are: an ASCII value is split without making a string of it, any other goes through {@link #add}.
   */
  public static List<String> ofJson(byte[] json) {
    Set<String> words = new LinkedHashSet<>();
    boolean skip = false;
    char[] word = new char[MAX_WORD_LENGTH];
    int i = 0;
    while (i < json.length && words.size() < MAX_WORDS) {
      if (json[i] != '"') {
        i++;
        continue;
      }
      int start = i + 1;
      int end = stringEnd(json, start);
      int next = end + 1;
      while (next < json.length && json[next] <= ' ') {
        next++;
      }
      if (next < json.length && json[next] == ':') {
        skip = isNotContent(json, start, end);
      } else if (!skip) {
        if (isPlainAscii(json, start, end)) {
          addAscii(words, json, start, end, word);
        } else {
          add(words, unescaped(json, start, end));
        }
      }
      i = end + 1;
    }
    return new ArrayList<>(words);
  }

  /**
   * Where the JSON string whose text starts at {@code start} ends: at its closing quote, escapes skipped. Read eight
   * bytes at a time, up to the next quote or backslash: most of a resource's bytes are in strings, and the long ones
   * (narrative, attachments) are skipped whole.
   */
  private static int stringEnd(byte[] json, int start) {
    int end = start;
    while (end + Long.BYTES <= json.length) {
      long found = quotesAndBackslashes((long) LONGS.get(json, end));
      if (found == 0) {
        end += Long.BYTES;
        continue;
      }
      end += Long.numberOfTrailingZeros(found) >>> 3;
      if (json[end] == '"') {
        return end;
      }
      end += 2; // a backslash and the character it escapes
    }
    while (end < json.length && json[end] != '"') {
      end += json[end] == '\\' ? 2 : 1;
    }
    return end;
  }

  /**
   * The high bit of each of the eight bytes (the first in memory lowest) that is a quote or a backslash, exactly up
   * to the first such byte: a zero byte of an XOR with either, found without a branch. Zero when there is none.
   */
  static long quotesAndBackslashes(long bytes) {
    long quotes = bytes ^ 0x2222222222222222L;
    long backslashes = bytes ^ 0x5c5c5c5c5c5c5c5cL;
    return ((quotes - 0x0101010101010101L) & ~quotes | (backslashes - 0x0101010101010101L) & ~backslashes)
        & 0x8080808080808080L;
  }

  /** Whether a string's text is ASCII without escapes: an escaped one ({@code \n}, {@code \"}) takes the exact way. */
  private static boolean isPlainAscii(byte[] json, int start, int end) {
    for (int i = start; i < end; i++) {
      if (json[i] <= 0 || json[i] == '\\') {
        return false;
      }
    }
    return true;
  }

  /** Whether the key between {@code start} and {@code end} is one of {@link #NOT_CONTENT}, compared as bytes. */
  private static boolean isNotContent(byte[] json, int start, int end) {
    for (byte[] key : NOT_CONTENT_BYTES) {
      if (Arrays.equals(json, start, end, key, 0, key.length)) {
        return true;
      }
    }
    return false;
  }

  /** {@link #add} for ASCII bytes, lower-casing as it goes. */
  private static void addAscii(Set<String> words, byte[] json, int start, int end, char[] word) {
    int length = 0;
    int letters = 0;
    for (int i = start; i <= end && words.size() < MAX_WORDS; i++) {
      char c = i < end ? (char) json[i] : ' ';
      boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
      if (letter || c >= '0' && c <= '9') {
        if (length < word.length) {
          word[length] = letter ? (char) (c | 0x20) : c;
        }
        length++;
        letters += letter ? 1 : 0;
      } else if (length > 0) {
        if (length >= 2 && length <= MAX_WORD_LENGTH && letters * 2 > length) {
          words.add(new String(word, 0, length));
        }
        length = 0;
        letters = 0;
      }
    }
  }

  /** A JSON string value's text, each escape read as a space (it separates words either way). */
  private static String unescaped(byte[] json, int start, int end) {
    String raw = new String(json, start, end - start, StandardCharsets.UTF_8);
    return raw.indexOf('\\') < 0 ? raw : raw.replaceAll("\\\\(u[0-9a-fA-F]{4}|.)", " ");
  }
}
