package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WordsTest {
  @Test
  void wordsAreFoldedRunsOfMostlyLettersOfTwoOrMore() {
    assertThat(Words.of("Zoë's  BODY-height 8302-2 a 12ab x9 covid19"))
        .containsExactly("zoe", "body", "height", "covid19");
  }

  @Test
  void theContentOfJsonIsItsValuesWithoutKeysIdsUrlsOrMarkup() {
    String json = "{\"resourceType\":\"Patient\",\"id\":\"abc123def\",\"meta\":{\"profile\":[\"http://x.org/sd\"]},"
        + "\"text\":{\"div\":\"<div>Hidden</div>\"},\"name\":[{\"family\":\"Ström\",\"given\":[\"Ann\\nMarie\"]}],"
        + "\"managingOrganization\":{\"reference\":\"Organization/org1\",\"display\":\"Acme Health\"},"
        + "\"extension\":[{\"url\":\"http://x.org/ext\",\"valueString\":\"Quoted \\\"word\\\" \\u00e9t\\u00e9\"}]}";

    assertThat(Words.ofJson(json.getBytes(StandardCharsets.UTF_8)))
        .containsExactly("patient", "strom", "ann", "marie", "acme", "health", "quoted", "word");
  }
}
