package io.brazier.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code --import-hosts} takes: hosts, trimmed and in lower case; a URL is a mistake said at start. */
class ImportConfigTest {

  @Test
  void hostsAreTrimmedAndInLowerCase() {
    assertThat(new ImportConfig(null, List.of(" Exports.Example.org:443 ", ""), null).hosts())
        .containsExactly("exports.example.org:443");
  }

  @Test
  void anInputIsReadUntilSomeOfItsLinesFailedAndNeverUntilNone() {
    assertThat(new ImportConfig(null, List.of(), null).maxErrors()).isEqualTo(ImportConfig.MAX_ERRORS);
    assertThatThrownBy(() -> new ImportConfig(null, List.of(), null, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--max-import-errors must be at least 1, not 0");
  }

  @Test
  void aUrlListedAsAHostIsRefused() {
    assertThatThrownBy(() -> new ImportConfig(null, List.of("https://exports.example.org"), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--import-hosts takes HOST or HOST:PORT");
  }
}
