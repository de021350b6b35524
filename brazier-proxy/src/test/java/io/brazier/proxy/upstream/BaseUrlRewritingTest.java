package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BaseUrlRewritingTest {
  private static final String UPSTREAM = "http://upstream:8080/fhir";
  private static final String PROXY = "https://proxy.example/fhir";

  @Test
  void everyOccurrenceIsReplacedWhateverTheChunksItArrivesIn() throws IOException {
    String body = "{\"fullUrl\":\"" + UPSTREAM + "/Patient/1\",\"link\":\"" + UPSTREAM + "/Patient?_cursor=x\"}";
    String expected = body.replace(UPSTREAM, PROXY);

    for (int chunk = 1; chunk <= body.length(); chunk++) {
      assertThat(rewritten(body, chunk)).as("chunks of %d", chunk).isEqualTo(expected);
    }
  }

  @Test
  void aPartialMatchThatFailsIsWrittenAsItCameAndMatchesAfterItStillCount() throws IOException {
    String body = "http://upstream:8080/fhi" + "http://upstream:8080/fhir" + "http://upstream:8";

    assertThat(rewritten(body, 7)).isEqualTo("http://upstream:8080/fhi" + PROXY + "http://upstream:8");
  }

  @Test
  void overlappingPrefixesAreNotLost() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream rewriting = new BaseUrlRewriting(out, "aab", "X")) {
      rewriting.write("aaab aab aa".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("aX X aa");
  }

  @Test
  void aWholeBodyWithoutTheUrlIsPassedOnAsItIsAndOneWithItIsRewritten() throws IOException {
    byte[] plain = "{\"resourceType\":\"Patient\",\"note\":\"http://upstream:8\"}".getBytes(StandardCharsets.UTF_8);
    String linked = "{\"fullUrl\":\"" + UPSTREAM + "/Patient/1\",\"note\":\"http://upstream:8\"}";

    byte[] rewritten = BaseUrlRewriting.rewrite(linked.getBytes(StandardCharsets.UTF_8), UPSTREAM, PROXY);

    assertThat(BaseUrlRewriting.rewrite(plain, UPSTREAM, PROXY)).isSameAs(plain);
    assertThat(new String(rewritten, StandardCharsets.UTF_8)).isEqualTo(linked.replace(UPSTREAM, PROXY));
  }

  @Test
  void aBodyPassesInRunsBetweenItsMatchesNotByteByByte() throws IOException {
    List<String> writes = new ArrayList<>();
    OutputStream recording = new OutputStream() {
      @Override
      public void write(int b) {
        writes.add(String.valueOf((char) b));
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
      }
    };
    String body = "{\"href\":\"" + UPSTREAM + "/Patient/1\",\"hash\":\"" + UPSTREAM + "/Patient/2\"}";

    try (OutputStream rewriting = new BaseUrlRewriting(recording, UPSTREAM, PROXY)) {
      rewriting.write(body.getBytes(StandardCharsets.UTF_8));
    }

    assertThat(writes).filteredOn(write -> !write.isEmpty()).containsExactly("{\"href\":\"", PROXY,
        "/Patient/1\",\"hash\":\"", PROXY, "/Patient/2\"}");
  }

  private static String rewritten(String body, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream rewriting = new BaseUrlRewriting(out, UPSTREAM, PROXY)) {
      for (int i = 0; i < bytes.length; i += chunk) {
        rewriting.write(bytes, i, Math.min(chunk, bytes.length - i));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
