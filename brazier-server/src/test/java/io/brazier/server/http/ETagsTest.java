package io.brazier.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ETags as headers and clients write them. https://www.rfc-editor.org/rfc/rfc9110#name-etag */
class ETagsTest {
  @Test
  void anETagCarriesItsTagWeakStrongOrBare() {
    assertThat(ETags.opaque("W/\"3\"")).isEqualTo("3");
    assertThat(ETags.opaque("\"0x8D\"")).isEqualTo("0x8D");
    assertThat(ETags.opaque(" 5 ")).isEqualTo("5");
    assertThat(ETags.opaque("\"")).isEqualTo("\"");
  }

  @Test
  void twoETagsAreTheSameWhenTheirTagsAreAndNoETagIsNone() {
    assertThat(ETags.same("\"18c-2a\"", "W/\"18c-2a\"")).isTrue();
    assertThat(ETags.same("18c-2a", "\"18c-2a\"")).isTrue();
    assertThat(ETags.same("\"18c-2a\"", "\"18c-2b\"")).isFalse();
    assertThat(ETags.same("\"18c-2a\"", null)).isFalse();
  }
}
