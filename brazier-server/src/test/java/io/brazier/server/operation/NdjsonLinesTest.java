package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** NDJSON read a line at a time: numbers as an editor shows them, either line end, and overlong lines reported. */
class NdjsonLinesTest {
  @Test
  void linesAreNumberedFromOneAndBlankLinesAreSkippedButCounted() throws IOException {
    List<String> lines = read("{\"a\":1}\n\n   \n\t\n{\"b\":2}\n", 100);

    assertThat(lines).containsExactly("1:{\"a\":1}", "5:{\"b\":2}");
  }

  @Test
  void crLfEndingsAreAcceptedAndALastLineNeedsNoEnd() throws IOException {
    List<String> lines = read("{\"a\":1}\r\n\r\n{\"b\":2}", 100);

    assertThat(lines).containsExactly("1:{\"a\":1}", "3:{\"b\":2}");
  }

  @Test
  void aByteOrderMarkStartingALineIsNoPartOfItSoALineOfNothingElseIsBlank() throws IOException {
    assertThat(read("\uFEFF\n{\"a\":1}\n\uFEFF{\"b\":2}\r\n\uFEFF \r\n", 100))
        .containsExactly("2:{\"a\":1}", "3:{\"b\":2}");
    assertThat(read("\uFEFF", 100)).as("an empty file as some editors save it").isEmpty();
  }

  @Test
  void anEmptyOrBlankInputHasNoLines() throws IOException {
    assertThat(read("", 100)).isEmpty();
    assertThat(read("\n\r\n  \n", 100)).isEmpty();
  }

  @Test
  void aLineOfExactlyTheLimitIsReadWhateverItsEndAndOneByteMoreIsTooLong() throws IOException {
    String limit = "x".repeat(10);

    assertThat(read(limit + "\n" + limit + "\r\n" + limit, 10))
        .containsExactly("1:" + limit, "2:" + limit, "3:" + limit);
    assertThat(read(limit + "y\n" + limit + "y\r\n{}\n", 10)).containsExactly("1:too long", "2:too long", "3:{}");
  }

  @Test
  void aTooLongLineIsSkippedWhereItEndsAndTheLinesAfterItAreRead() throws IOException {
    String huge = "z".repeat(300_000); // spans several of the reader's buffers

    assertThat(read("{}\n" + huge + "\n{\"c\":3}\n", 1_000)).containsExactly("1:{}", "2:too long", "3:{\"c\":3}");
    assertThat(read(huge, 1_000)).containsExactly("1:too long");
  }

  @Test
  void linesSpanningTheReadersBuffersAndTrickledInputAreWhole() throws IOException {
    String long1 = "a".repeat(100_000);
    String long2 = "b".repeat(70_000);
    String text = long1 + "\r\n" + long2 + "\n{}";

    List<String> expected = List.of("1:" + long1, "2:" + long2, "3:{}");
    assertThat(read(new ByteArrayInputStream(bytes(text)), 200_000)).isEqualTo(expected);
    assertThat(read(trickle(bytes(text)), 200_000)).as("read a few bytes at a time").isEqualTo(expected);
  }

  @Test
  void numberTellsTheLastLineReadBlankOnesIncluded() throws IOException {
    try (NdjsonLines lines = new NdjsonLines(new ByteArrayInputStream(bytes("{}\n\n\n")), 100)) {
      assertThat(lines.next().number()).isEqualTo(1);
      assertThat(lines.next()).isNull();
      assertThat(lines.number()).isEqualTo(3);
    }
  }

  @Test
  void closingClosesTheInput() throws IOException {
    boolean[] closed = {false};
    InputStream in = new ByteArrayInputStream(bytes("{}")) {
      @Override
      public void close() {
        closed[0] = true;
      }
    };

    new NdjsonLines(in, 100).close();

    assertThat(closed[0]).isTrue();
  }

  private static List<String> read(String text, int maxBytes) throws IOException {
    return read(new ByteArrayInputStream(bytes(text)), maxBytes);
  }

  /** Each line as {@code number:text}, or {@code number:too long}. */
  private static List<String> read(InputStream in, int maxBytes) throws IOException {
    List<String> read = new ArrayList<>();
    try (NdjsonLines lines = new NdjsonLines(in, maxBytes)) {
      for (NdjsonLines.Line line = lines.next(); line != null; line = lines.next()) {
        read.add(line.number() + ":" + (line.tooLong() ? "too long"
            : new String(line.bytes(), StandardCharsets.UTF_8)));
      }
    }
    return read;
  }

  /** An input that gives at most 7 bytes a read, as a slow network does. */
  private static InputStream trickle(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 7));
      }
    };
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
