package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The status line of each entry of a batch or transaction response: the code first, then its reason phrase.
 * https://hl7.org/fhir/R4/bundle-definitions.html#Bundle.entry.response.status (the answers themselves are
 * {@link BatchTest}'s and {@link TransactionTest}'s).
 */
class EntryResponsesTest {
  @Test
  void aStatusStartsWithItsCodeAndSaysItsReason() {
    assertThat(EntryResponses.status(200)).isEqualTo("200 OK");
    assertThat(EntryResponses.status(201)).isEqualTo("201 Created");
    assertThat(EntryResponses.status(204)).isEqualTo("204 No Content");
    assertThat(EntryResponses.status(304)).isEqualTo("304 Not Modified");
    assertThat(EntryResponses.status(404)).isEqualTo("404 Not Found");
    assertThat(EntryResponses.status(412)).isEqualTo("412 Precondition Failed");
    assertThat(EntryResponses.status(422)).isEqualTo("422 Unprocessable Entity");
  }

  @Test
  void everyStatusStartsWithItsThreeDigitCode() {
    for (int code : new int[] {200, 400, 403, 405, 409, 410, 413, 415, 429, 500, 503}) {
      assertThat(EntryResponses.status(code)).matches(code + "( [A-Z][A-Za-z ]+)?");
    }
  }
}
