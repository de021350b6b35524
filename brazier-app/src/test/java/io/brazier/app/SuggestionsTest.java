package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> OPTIONS = List.of("--port", "--host", "--pre-processors", "--profiles",
      "--processor-option", "--page-size", "--max-page-size");

  @Test
  void aSwapAMissingAnExtraOrAWrongLetterFindTheOption() {
    assertThat(Suggestions.of("--prot", OPTIONS)).containsExactly("--port");
    assertThat(Suggestions.of("--pot", OPTIONS)).containsExactly("--port");
    assertThat(Suggestions.of("--portt", OPTIONS)).containsExactly("--port");
    assertThat(Suggestions.of("--hist", OPTIONS)).containsExactly("--host");
    assertThat(Suggestions.of("--pagesize", OPTIONS)).containsExactly("--page-size");
  }

  @Test
  void onlyTheClosestAreOfferedAndNothingFar() {
    assertThat(Suggestions.of("--pst", OPTIONS)).containsExactly("--host", "--port");
    assertThat(Suggestions.of("--profile", OPTIONS)).containsExactly("--profiles");
    assertThat(Suggestions.of("--verbose", OPTIONS)).isEmpty();
  }

  @Test
  void slipsCountEachEditOnceAndASwapAsOne() {
    assertThat(Suggestions.slips("serve", "serve")).isZero();
    assertThat(Suggestions.slips("serv", "serve")).isEqualTo(1);
    assertThat(Suggestions.slips("sevre", "serve")).isEqualTo(1);
    assertThat(Suggestions.slips("load", "loader")).isEqualTo(2);
  }
}
