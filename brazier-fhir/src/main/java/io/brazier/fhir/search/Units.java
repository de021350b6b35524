package io.brazier.fhir.search;

import io.brazier.fhir.Lazy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;

/**
 * UCUM canonical forms, so that quantities in equivalent units compare: {@code 5 mg} and {@code 0.005 g} both become
 * {@code 0.005 g}. The conversion of each unit is learnt once; linear units (almost all) then cost a multiplication.
 */
final class Units {
  public static final String UCUM = "http://unitsofmeasure.org";
  private static final MathContext PRECISION = MathContext.DECIMAL64;
  private static final BigDecimal TEN = BigDecimal.TEN;
  /**
   * UCUM's arithmetic slows down steeply with the powers in a unit ({@code 10*99}: seconds; {@code 10*999999999}:
   * never ends), and a client chooses the unit; real units stay far below this ({@code 10*12/L}, {@code kg/m2}).
   */
  private static final int MAX_POWERS = 24;

  /**
   * The units of temperature on scales whose zero is not the kelvin's, which UCUM's library cannot convert (its
   * "special units"): as UCUM defines them, {@code Cel} is K - 273.15 and {@code [degF]} is K * 9/5 - 459.67, so
   * their canonical unit is the kelvin, reached by adding the offset before scaling. Then 37 Cel, 98.6 [degF] and
   * 310.15 K are one temperature, and a search in any of these units finds it written in the others.
   */
  private static final Map<String, Offset> OFFSET_UNITS = Map.of(
      "Cel", new Offset(new BigDecimal("273.15"), BigDecimal.ONE, BigDecimal.ONE),
      "[degF]", new Offset(new BigDecimal("459.67"), new BigDecimal(5), new BigDecimal(9)));

  /** Read on the first unit to learn, not at start: a quarter second of CPU, and many requests carry no quantity. */
  private final Lazy<UcumService> ucum = Lazy.of(Units::read);
  private final Map<String, Optional<Conversion>> conversions = new ConcurrentHashMap<>();

  /** A quantity in canonical UCUM units. */
  public record Canonical(BigDecimal value, String unit) {}

  /** canonical = value * factor + offset; {@code linear} false means: ask UCUM for every value. */
  private record Conversion(String unit, BigDecimal factor, BigDecimal offset, boolean linear) {}

  /** kelvin = (value + zero) * times / per: exact for the decimals a client writes, 98.6 [degF] being 310.15 K. */
  private record Offset(BigDecimal zero, BigDecimal times, BigDecimal per) {
    Canonical kelvin(BigDecimal value) {
      return new Canonical(value.add(zero).multiply(times).divide(per, PRECISION).stripTrailingZeros(), "K");
    }
  }

  private static UcumService read() {
    try (InputStream essence = UcumService.class.getResourceAsStream("/ucum-essence.xml")) {
      return new UcumEssenceService(essence);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (UcumException e) {
      throw new IllegalStateException("The UCUM definitions could not be loaded", e);
    }
  }

  /** The canonical form of {@code value unit}, or empty when {@code unit} is not a UCUM unit. */
  public Optional<Canonical> canonical(BigDecimal value, String unit) {
    if (unit == null || unit.isBlank() || unit.length() > 64 || !modestPowers(unit)) {
      return Optional.empty();
    }
    Offset offset = OFFSET_UNITS.get(unit);
    if (offset != null) {
      return Optional.of(offset.kelvin(value));
    }
    Optional<Conversion> conversion = conversions.computeIfAbsent(unit, this::learn);
    return conversion.map(c -> c.linear()
        ? new Canonical(value.multiply(c.factor(), PRECISION).add(c.offset(), PRECISION).stripTrailingZeros(), c.unit())
        : convert(value, unit));
  }

  private Optional<Conversion> learn(String unit) {
    try {
      Canonical zero = convert(BigDecimal.ZERO, unit);
      Canonical one = convert(BigDecimal.ONE, unit);
      Canonical ten = convert(TEN, unit);
      if (zero == null || one == null || ten == null) {
        return Optional.empty();
      }
      BigDecimal factor = one.value().subtract(zero.value(), PRECISION);
      BigDecimal predicted = factor.multiply(TEN, PRECISION).add(zero.value(), PRECISION);
      boolean linear = predicted.compareTo(ten.value()) == 0;
      return Optional.of(new Conversion(one.unit(), factor, zero.value(), linear));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Canonical convert(BigDecimal value, String unit) {
    try {
      Pair canonical = ucum.get().getCanonicalForm(new Pair(new Decimal(value.toPlainString()), unit));
      if (canonical == null || canonical.getValue() == null) {
        return null;
      }
      return new Canonical(new BigDecimal(canonical.getValue().asDecimal(), PRECISION).stripTrailingZeros(),
          canonical.getCode());
    } catch (UcumException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether the exponents of {@code unit} (the digits after a unit symbol, {@code 10*} or {@code 10^}, signed or not;
   * not the factors such as {@code /100}, nor annotations in braces) add up to at most {@link #MAX_POWERS}.
   */
  static boolean modestPowers(String unit) {
    String plain = unit.indexOf('{') < 0 ? unit : unit.replaceAll("\\{[^}]*}", "");
    int total = 0;
    for (int i = 0; i < plain.length(); i++) {
      if (!Character.isDigit(plain.charAt(i))) {
        continue;
      }
      int start = i;
      while (i + 1 < plain.length() && Character.isDigit(plain.charAt(i + 1))) {
        i++;
      }
      int before = start > 0 && "+-".indexOf(plain.charAt(start - 1)) >= 0 ? start - 2 : start - 1;
      if (before >= 0 && "./(".indexOf(plain.charAt(before)) < 0) {
        total += i - start < 2 ? Integer.parseInt(plain.substring(start, i + 1)) : MAX_POWERS + 1;
        if (total > MAX_POWERS) {
          return false;
        }
      }
    }
    return true;
  }
}
