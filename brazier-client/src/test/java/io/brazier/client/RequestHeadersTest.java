package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A request's headers as sent in several lines: a list header is the lines joined, any other its first line. */
class RequestHeadersTest {
  private static final Map<String, List<String>> LINES = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    LINES.put("Prefer", List.of("respond-async", "handling=lenient"));
    LINES.put("If-None-Match", List.of("W/\"1\"", "W/\"2\""));
    LINES.put("Authorization", List.of("Bearer first", "Bearer second"));
    LINES.put("Content-Type", List.of("application/fhir+json"));
  }

  private final Function<String, String> headers = RequestHeaders.of(name -> Collections.enumeration(
      LINES.getOrDefault(name, List.of())));

  @Test
  void aListHeaderSentInSeveralLinesIsOneList() {
    assertThat(headers.apply("Prefer")).isEqualTo("respond-async, handling=lenient");
    assertThat(headers.apply("prefer")).as("names in any case").isEqualTo("respond-async, handling=lenient");
    assertThat(headers.apply("If-None-Match")).isEqualTo("W/\"1\", W/\"2\"");
  }

  @Test
  void anyOtherHeaderIsItsFirstLineAndOneNotSentIsNull() {
    assertThat(headers.apply("Authorization")).isEqualTo("Bearer first");
    assertThat(headers.apply("Content-Type")).isEqualTo("application/fhir+json");
    assertThat(headers.apply("Accept")).isNull();
    assertThat(headers.apply("X-Request-Id")).isNull();
  }
}
