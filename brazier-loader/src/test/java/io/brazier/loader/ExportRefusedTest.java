package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportRefusedTest {
  @Test
  void aSettingTheRunFoundWrongIsBadInputNamedByItsFlagOrAsAFrontEndNamesIt() {
    ExportRefused refused = new ExportRefused(new ExportSetting.Invalid(name -> name.apply(ExportSetting.MAX_URL)
        + " 256 leaves no room"));

    assertThat(refused.badInput()).isTrue();
    assertThat(refused).hasMessage("--max-url 256 leaves no room");
    assertThat(refused.naming(setting -> setting.name().toLowerCase())).isEqualTo("max_url 256 leaves no room");
  }

  @Test
  void aRefusalForAnythingElseSaysTheSameWhateverTheNames() {
    ExportRefused refused = new ExportRefused("The FHIR server at http://x/fhir could not be asked", false);

    assertThat(refused.naming(setting -> "field")).isEqualTo("The FHIR server at http://x/fhir could not be asked");
    assertThat(refused.badInput()).isFalse();
  }
}
