package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RequiredBindingTableTest {
  private static final Path CHECKED_IN = Path.of("src/main/resources/io/brazier/fhir", RequiredBindingTable.RESOURCE);
  private static final Path MADE = Path.of("target", RequiredBindingTable.RESOURCE);
  private static final RequiredBindingTable FROM_HAPI = new RequiredBindingDefinitions(new Fhir(false)).table();

  @Test
  void theTableInTheJarIsTheOneHapisDefinitionsMake() throws IOException {
    String made = RequiredBindingDefinitions.text(FROM_HAPI);
    Files.writeString(MADE, made);

    assertThat(resourceText())
        .as("The table of required bindings differs from what HAPI's R4 definitions make (a new HAPI version?)."
            + " The table just made is brazier-fhir/%s: review its difference, then copy it over brazier-fhir/%s.",
            MADE, CHECKED_IN)
        .isEqualTo(made);
  }

  @Test
  void readingTheTableGivesBackEveryBindingAndItsCodes() throws IOException {
    String text = RequiredBindingDefinitions.text(FROM_HAPI);

    assertThat(RequiredBindingTable.read(new BufferedReader(new StringReader(text)))).isEqualTo(FROM_HAPI);
    assertThat(RequiredBindingTable.load()).isEqualTo(FROM_HAPI);
  }

  @Test
  void theBindingsOfATypeKeepTheOrderOfItsDefinition() {
    assertThat(FROM_HAPI.entries("Condition")).extracting(RequiredBindingTable.Entry::path)
        .containsExactly("Condition.clinicalStatus", "Condition.verificationStatus");
    assertThat(FROM_HAPI.entries("Patient")).isEmpty();
  }

  @Test
  void aCodeIsKnownWithItsSystemAndAlone() {
    RequiredBindingTable.Codes codes = FROM_HAPI.entries("Condition").get(0).codes();

    assertThat(codes.contains("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")).isTrue();
    assertThat(codes.contains(null, "active")).isTrue();
    assertThat(codes.contains("http://terminology.hl7.org/CodeSystem/condition-ver-status", "active")).isFalse();
  }

  @Test
  void aLineItCannotReadIsRefused() {
    assertThatThrownBy(() -> read("valueset\thttp://x.org/vs\thttp://x.org/cs|a\nbind\tCondition.code\n"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind\tCondition.code");
    assertThatThrownBy(() -> read("binding\tCondition.clinicalStatus\thttp://x.org/vs|1\thttp://x.org/vs\n"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Condition.clinicalStatus");
  }

  private static RequiredBindingTable read(String text) throws IOException {
    return RequiredBindingTable.read(new BufferedReader(new StringReader(text)));
  }

  private static String resourceText() throws IOException {
    try (InputStream in = RequiredBindingTable.class.getResourceAsStream(RequiredBindingTable.RESOURCE)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
