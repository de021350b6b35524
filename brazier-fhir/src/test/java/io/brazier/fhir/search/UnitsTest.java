package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.brazier.testkit.Parallel;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnitsTest {
  private final Units units = new Units();

  @Test
  void equivalentUnitsHaveOneCanonicalForm() {
    assertThat(units.canonical(new BigDecimal("5"), "mg")).hasValueSatisfying(c ->
        assertThat(c.value()).isEqualByComparingTo("0.005"));
    assertThat(units.canonical(new BigDecimal("0.005"), "g")).isEqualTo(units.canonical(new BigDecimal("5"), "mg"));
  }

  @Test
  void temperaturesInCelsiusAndFahrenheitAreKelvinsCountedFromTheirOwnZero() {
    assertThat(units.canonical(new BigDecimal("37"), "Cel")).contains(new Units.Canonical(new BigDecimal("310.15"),
        "K"));
    assertThat(units.canonical(new BigDecimal("98.6"), "[degF]")).isEqualTo(units.canonical(new BigDecimal("37"),
        "Cel"));
    assertThat(units.canonical(new BigDecimal("-40"), "[degF]")).isEqualTo(units.canonical(new BigDecimal("-40"),
        "Cel"));
    assertThat(units.canonical(BigDecimal.ZERO, "Cel").orElseThrow().value()).isEqualByComparingTo("273.15");
    assertThat(units.canonical(new BigDecimal("310.15"), "K").orElseThrow().unit()).isEqualTo("K");
  }

  @Test
  void ordinaryPowersFactorsAndAnnotationsAreModest() {
    assertThat(Units.modestPowers("10*12/L")).isTrue();
    assertThat(Units.modestPowers("kg/m2")).isTrue();
    assertThat(Units.modestPowers("10^-6.s-1")).isTrue();
    assertThat(Units.modestPowers("/100{WBC999999999}")).isTrue();
    assertThat(Units.modestPowers("[in_i]3")).isTrue();
  }

  @Test
  void powersUcumCannotComputeInReasonableTimeAreNotModest() {
    assertThat(Units.modestPowers("10*999999999")).isFalse();
    assertThat(Units.modestPowers("km999")).isFalse();
    assertThat(Units.modestPowers("[ft_i]-99")).isFalse();
    assertThat(Units.modestPowers("10*12.10*12.10*12")).isFalse();
  }

  @Test
  void aUnitWithHugePowersIsLeftAsWrittenRatherThanComputedForever() {
    // Guards against a hang, not a speed: before the check this call never returned.
    assertTimeoutPreemptively(Duration.ofMinutes(1),
        () -> assertThat(units.canonical(BigDecimal.ONE, "10*999999999")).isEmpty());
  }

  @Test
  void prefixesPowersAndAnnotationsMeetInOneCanonicalForm() {
    BigDecimal litre = units.canonical(BigDecimal.ONE, "L").orElseThrow().value();

    assertThat(units.canonical(new BigDecimal("1000"), "mL").orElseThrow().value()).isEqualByComparingTo(litre);
    assertThat(units.canonical(BigDecimal.ONE, "dm3").orElseThrow().value()).isEqualByComparingTo(litre);
    assertThat(units.canonical(new BigDecimal("5"), "mg{total}")).isEqualTo(units.canonical(new BigDecimal("5"),
        "mg"));
  }

  @Test
  void decimalValuesConvertExactlyWithoutBinaryRounding() {
    assertThat(units.canonical(new BigDecimal("0.1"), "mg").orElseThrow().value()).isEqualTo(new BigDecimal("0.0001"));
    assertThat(units.canonical(new BigDecimal("0.3"), "kg").orElseThrow().value()).isEqualByComparingTo("300");
  }

  @Test
  void whatIsNoUcumUnitHasNoCanonicalForm() {
    assertThat(units.canonical(BigDecimal.ONE, "furlongs")).isEmpty();
    assertThat(units.canonical(BigDecimal.ONE, " ")).isEmpty();
    assertThat(units.canonical(BigDecimal.ONE, null)).isEmpty();
    assertThat(units.canonical(BigDecimal.ONE, "m".repeat(65))).isEmpty();
    assertThat(units.canonical(BigDecimal.ONE, "mg/")).isEmpty();
  }

  @Test
  void requestsLearningTheSameUnitsAtOnceAllGetTheSameCanonicalForms() throws Exception {
    Parallel.Run<List<Optional<Units.Canonical>>> run = Parallel.run(8, 1, (thread, step) ->
        List.of(units.canonical(new BigDecimal("5"), "mg"), units.canonical(new BigDecimal("2"), "mmol/L"),
            units.canonical(BigDecimal.ONE, "furlongs")));

    assertThat(run.mostAtOnce()).as("requests overlapped").isGreaterThan(1);
    assertThat(run.results()).containsOnly(List.of(new Units().canonical(new BigDecimal("5"), "mg"),
        new Units().canonical(new BigDecimal("2"), "mmol/L"), Optional.empty()));
  }
}
