package io.brazier.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The wait a {@code Retry-After} header asks (RFC 9110 section 10.2.3): seconds, or an HTTP date. Both the proxy
 * (of its upstream) and the loader (of the server it loads) honour it.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /** The wait asked, never negative; empty when there is no header or it says neither. */
  public static Optional<Duration> parse(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (value.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(Instant.now(), at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
