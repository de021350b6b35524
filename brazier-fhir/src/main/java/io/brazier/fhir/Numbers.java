package io.brazier.fhir;

/**
 * Refuses numbers that would cost HAPI far more than their size. HAPI reads a decimal with {@code new BigDecimal},
 * which takes time quadratic in the digits (300,000 digits: ten seconds), and writes a JSON number out in full
 * ({@code 1e999999999} becomes a billion digits). No measured quantity needs more than 1,000 digits or an exponent
 * beyond 100, so a body with either is a 400, found by one pass over its bytes before anything parses it.
 */
public final class Numbers {
  static final int MAX_DIGITS = 1000;
  static final int MAX_EXPONENT = 100;

  private Numbers() {}

  /**
   * Checks a body: runs of digits anywhere and, in JSON, the exponents of numbers (outside strings). Call it on what
   * is parsed and on the JSON that is stored, which a later request parses again.
   */
  public static void check(byte[] body, Format format) {
    check(body, format, "body");
  }

  /** Checks JSON or XML as {@link #check(byte[], Format)} does; a 400 naming {@code what} was read (a line). */
  public static void check(byte[] body, Format format, String what) {
    boolean json = format == Format.JSON;
    boolean inString = false;
    int digits = 0;
    for (int i = 0; i < body.length; i++) {
      byte b = body[i];
      if (isDigit(b)) {
        if (++digits > MAX_DIGITS) {
          throw FhirException.badRequest("The " + what + " has a number of more than " + MAX_DIGITS + " digits.");
        }
        continue;
      }
      digits = 0;
      if (!json) {
        continue;
      }
      if (inString) {
        if (b == '\\') {
          i++;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if ((b == 'e' || b == 'E') && i > 0 && (isDigit(body[i - 1]) || body[i - 1] == '.')) {
        checkExponent(body, i + 1, what);
      }
    }
  }

  private static void checkExponent(byte[] body, int start, String what) {
    int i = start < body.length && (body[start] == '+' || body[start] == '-') ? start + 1 : start;
    while (i < body.length && body[i] == '0') {
      i++;
    }
    int exponent = 0;
    for (; i < body.length && isDigit(body[i]); i++) {
      exponent = exponent * 10 + body[i] - '0';
      if (exponent > MAX_EXPONENT) {
        throw FhirException.badRequest("The " + what + " has a number with an exponent beyond " + MAX_EXPONENT
            + ".");
      }
    }
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
