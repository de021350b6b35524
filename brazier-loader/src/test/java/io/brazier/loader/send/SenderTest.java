package io.brazier.loader.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.client.TokenRefused;
import io.brazier.loader.LoaderConfig;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SenderTest {
  private static final LoaderConfig QUICK = LoaderConfig.defaults().withRetries(3, Duration.ofMillis(1));

  @Test
  void retryAfterIsReadInSecondsAsAnHttpDateAndAsAzureMilliseconds() {
    ZonedDateTime inTenSeconds = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10).truncatedTo(ChronoUnit.SECONDS);
    // A date's wait is from the moment it is read: bounded by the times around it, however long the test was paused.
    Instant before = Instant.now();
    Duration untilThen = Sender.retryAfter(reply(503, "Retry-After",
        inTenSeconds.format(DateTimeFormatter.RFC_1123_DATE_TIME))).orElseThrow();
    Instant after = Instant.now();

    assertThat(Sender.retryAfter(reply(429, "Retry-After", "3"))).contains(Duration.ofSeconds(3));
    assertThat(untilThen).isBetween(until(after, inTenSeconds), until(before, inTenSeconds));
    assertThat(Sender.retryAfter(reply(429, "x-ms-retry-after-ms", "250"))).contains(Duration.ofMillis(250));
    assertThat(Sender.retryAfter(reply(429, "Retry-After", "soon"))).isEmpty();
    assertThat(Sender.retryAfter(reply(429, "Retry-After", "86400"))).contains(Duration.ofMinutes(2));
  }

  @Test
  void backoffDoublesWithJitterAndStopsGrowingAtTwoMinutes() {
    Sender sender = new Sender(call -> reply(200), LoaderConfig.defaults().withRetries(5, Duration.ofSeconds(1)));

    assertThat(sender.backoff(1)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
    assertThat(sender.backoff(3)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
    assertThat(sender.backoff(30)).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void transientStatusesAreTriedAgainAndOthersAnsweredAtOnce() throws Exception {
    Deque<FhirReply> replies = new ArrayDeque<>(List.of(reply(500), reply(502), reply(201)));
    Sender sender = new Sender(call -> replies.removeFirst(), QUICK);

    assertThat(sender.send(FhirCall.get("Patient")).status()).isEqualTo(201);
    assertThat(new Sender(call -> reply(400), QUICK).send(FhirCall.get("Patient")).status()).isEqualTo(400);
  }

  @Test
  void theLastAnswerIsGivenOnceTheRetriesAreSpent() throws Exception {
    int[] calls = {0};
    Sender sender = new Sender(call -> {
      calls[0]++;
      return reply(503);
    }, QUICK);

    assertThat(sender.send(FhirCall.get("Patient")).status()).isEqualTo(503);
    assertThat(calls[0]).isEqualTo(4);
  }

  @Test
  void aServerThatCannotBeReachedIsUnreachableWithTheCause() {
    Sender sender = new Sender(call -> {
      throw new ConnectException("Connection refused");
    }, QUICK);

    assertThatThrownBy(() -> sender.send(FhirCall.get("Patient"))).isInstanceOf(Sender.Unreachable.class)
        .hasMessageContaining("after 4 attempts").hasMessageContaining("Connection refused");
  }

  @Test
  void refusedCredentialsAreNotTriedAgainAndAreNotCalledAnUnreachableServer() {
    int[] calls = {0};
    Sender sender = new Sender(call -> {
      calls[0]++;
      throw new TokenRefused("The token endpoint refused client loader with status 401: invalid_client");
    }, QUICK);

    assertThatThrownBy(() -> sender.send(FhirCall.get("Patient"))).isInstanceOf(Sender.Unreachable.class)
        .hasMessageStartingWith("The token endpoint refused client loader").hasMessageNotContaining("reached");
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void aRefusedWriteIsNotTriedAgainAndAfterItAStoppingSenderSendsNothing() throws Exception {
    int[] calls = {0};
    FhirClient refusing = call -> {
      calls[0]++;
      return call.method().equals("GET") ? reply(403) : reply(401);
    };
    Sender stopping = new Sender(refusing, QUICK, Sender.StopSending.AFTER_REFUSAL);

    assertThat(stopping.send(FhirCall.get("Patient/x")).status()).as("a read's 403 is its caller's").isEqualTo(403);
    assertThatThrownBy(() -> stopping.send(FhirCall.bundle(new byte[0]))).isInstanceOf(Sender.Refused.class)
        .hasMessageContaining("answered 401 to a write").hasMessageContaining("--token-url, --client-id and"
            + " --client-secret");
    assertThatThrownBy(() -> stopping.send(FhirCall.get("metadata"))).isInstanceOf(Sender.Refused.class);
    assertThat(calls[0]).isEqualTo(2);
    assertThat(stopping.refused()).isPresent();

    Sender goingOn = new Sender(call -> reply(403), QUICK);
    assertThatThrownBy(() -> goingOn.send(FhirCall.bundle(new byte[0]))).isInstanceOf(Sender.Refused.class)
        .hasMessageContaining("answered 403 to a write").hasMessageContaining("lacks the right to write");
    assertThat(goingOn.send(FhirCall.get("metadata")).status()).isEqualTo(403);
  }

  @Test
  void statusesAreReadFromTheirLeadingDigits() {
    assertThat(Statuses.code("201")).isEqualTo(201);
    assertThat(Statuses.code("201 Created")).isEqualTo(201);
    assertThat(Statuses.code(" 429 Too Many Requests")).isEqualTo(429);
    assertThat(Statuses.code("Created")).isZero();
    assertThat(Statuses.code(null)).isZero();
  }

  /** The wait from {@code now} until {@code then}, none once it has passed. */
  private static Duration until(Instant now, ZonedDateTime then) {
    Duration wait = Duration.between(now, then.toInstant());
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static FhirReply reply(int status, String... header) {
    return new FhirReply(status, header.length == 0 ? Map.of() : Map.of(header[0], List.of(header[1])), null);
  }

}
