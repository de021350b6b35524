package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The watching service's folders, and the names it gives what it leaves in them. */
class FoldersTest {

  @Test
  void eachInputFolderHasAProcessedAndAnErrorFolder() {
    for (String input : Folders.INPUTS) {
      assertThat(Folders.ALL).contains(input, input + "processed",
          input.equals(Folders.BUNDLES) ? "bundleserr" : input + "err");
    }
    assertThat(Folders.ALL).hasSize(9).doesNotHaveDuplicates();
  }

  @Test
  void aSanitizedNameKeepsLettersDigitsAndDashesInLowerCase() {
    assertThat(Folders.sanitize("Patient_Bundle 01.json")).isEqualTo("patient-bundle-01-json");
    assertThat(Folders.sanitize("ok-name-7")).isEqualTo("ok-name-7");
  }

  @Test
  void aSanitizedNameDropsTheFoldersOfAZipEntrySoNothingLandsOutsideItsFolder() {
    assertThat(Folders.sanitize("../../etc/passwd")).isEqualTo("passwd");
    assertThat(Folders.sanitize("nested/dir/Obs.ndjson")).isEqualTo("obs-ndjson");
  }

  @Test
  void theStemLosesTheJsonNdjsonAndGzEndingsOnly() {
    assertThat(Folders.stem("Observation.ndjson.gz")).isEqualTo("observation");
    assertThat(Folders.stem("bundle.JSON")).isEqualTo("bundle");
    assertThat(Folders.stem("archive.zip")).isEqualTo("archive.zip");
    assertThat(Folders.stem("json")).isEqualTo("json");
  }
}
