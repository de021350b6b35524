package io.brazier.server;

import java.util.Locale;

/**
 * The {@code Prefer} header, parsed once (RFC 7240): what a write answers with ({@code return=}), whether unknown
 * search parameters are an error ({@code handling=}) and whether the client wants an asynchronous answer
 * ({@code respond-async}). Unknown preferences are ignored, as the RFC says.
 * https://hl7.org/fhir/R4/http.html#ops, https://hl7.org/fhir/R4/search.html#errors, https://hl7.org/fhir/R4/async.html
 *
 * @param returns what a write answers with; {@link Return#REPRESENTATION} when the client says nothing
 * @param handling strict or lenient handling of search parameters; {@link Handling#LENIENT} when not said
 * @param respondAsync whether the client asked for {@code respond-async}
 * @param handlingSaid whether the client said {@code handling=} at all (Bulk Data is strict unless told lenient)
 */
public record Prefer(Return returns, Handling handling, boolean respondAsync, boolean handlingSaid) {
  public static final Prefer NONE = new Prefer(Return.REPRESENTATION, Handling.LENIENT, false, false);

  public enum Return { MINIMAL, REPRESENTATION, OPERATION_OUTCOME }

  public enum Handling { STRICT, LENIENT }

  public static Prefer parse(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    Return returns = null;
    Handling handling = null;
    boolean async = false;
    for (String part : header.split("[;,]")) {
      String token = part.trim().toLowerCase(Locale.ROOT).replace(" ", "");
      switch (token) {
        case "return=minimal" -> returns = first(returns, Return.MINIMAL);
        case "return=operationoutcome" -> returns = first(returns, Return.OPERATION_OUTCOME);
        case "return=representation" -> returns = first(returns, Return.REPRESENTATION);
        case "handling=strict" -> handling = first(handling, Handling.STRICT);
        case "handling=lenient" -> handling = first(handling, Handling.LENIENT);
        case "respond-async" -> async = true;
        default -> { }
      }
    }
    return new Prefer(returns == null ? Return.REPRESENTATION : returns,
        handling == null ? Handling.LENIENT : handling, async, handling != null);
  }

  /** The first of repeated preferences wins (RFC 7240, section 2). */
  private static <T> T first(T earlier, T value) {
    return earlier == null ? value : earlier;
  }

  public boolean strict() {
    return handling == Handling.STRICT;
  }

  /** Whether the client said {@code handling=lenient}, rather than leaving it to the server. */
  public boolean saidLenient() {
    return handlingSaid && handling == Handling.LENIENT;
  }
}
