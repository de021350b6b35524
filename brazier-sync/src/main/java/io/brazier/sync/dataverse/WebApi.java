package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.ClientCredentials;
import io.brazier.client.Jackson;
import io.brazier.sync.DataverseConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests to the Dataverse Web API: with a bearer token (fetched again once on a 401), as OData v4.0 JSON, and
 * throttled requests (429, Dataverse's service protection limits) sent again after the {@code Retry-After} the
 * service names, so the agent slows to the pace the service allows instead of failing.
 */
final class WebApi {
  private static final Logger log = LoggerFactory.getLogger(WebApi.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Duration NO_RETRY_AFTER = Duration.ofSeconds(5);

  private final DataverseConfig config;
  private final ClientCredentials credentials;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** An answer: its status, its content type, its body, and the wait it asks for (null: none). */
  record Reply(int status, String contentType, String body, Duration retryAfter) {}

  WebApi(DataverseConfig config) {
    this.config = config;
    this.credentials = config.credentials() == null ? null : new ClientCredentials(config.credentials(),
        Clock.systemUTC());
  }

  URI base() {
    return config.url();
  }

  /**
   * Sends a request ({@code path} below the base) until it is not throttled; a failure is the answer's OData error.
   *
   * @throws SQLException (transient for an outage) when the service does not answer with a 2xx, or 404 when
   *     {@code missingIsFine}
   */
  Reply send(String method, String path, Map<String, String> headers, String body, boolean missingIsFine)
      throws SQLException, InterruptedException {
    boolean freshToken = false;
    while (true) {
      Reply reply = once(method, path, headers, body, freshToken);
      if (reply.status() == 401 && !freshToken && credentials != null) {
        freshToken = true;
      } else if (reply.status() == 429) {
        Duration wait = retryAfter(reply);
        log.info("Dataverse throttles the agent; it waits seconds={} as asked", wait.toSeconds());
        Thread.sleep(wait.toMillis());
      } else if (reply.status() / 100 == 2 || (missingIsFine && reply.status() == 404)) {
        return reply;
      } else {
        throw ServiceException.of(reply.status(), method + " " + path.replaceAll("\\?.*", "") + ": " + error(reply));
      }
    }
  }

  private Reply once(String method, String path, Map<String, String> headers, String body, boolean freshToken)
      throws SQLException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(config.url().resolve(path))
        .timeout(Duration.ofMinutes(2))
        .header("OData-Version", "4.0")
        .header("OData-MaxVersion", "4.0")
        .header("Accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::setHeader);
    try {
      if (credentials != null) {
        request.header("Authorization", "Bearer " + credentials.token(freshToken));
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      Duration retryAfter = response.headers().firstValue("Retry-After").map(WebApi::seconds).orElse(null);
      return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          response.body(), retryAfter);
    } catch (IOException e) {
      throw ServiceException.of(0, "Dataverse at " + config.url() + " could not be reached or signed in to: "
          + e.getMessage());
    }
  }

  /** The wait a 429 asks for; one longer than the agent waits is an outage of the service, waited out as such. */
  private Duration retryAfter(Reply reply) throws SQLException {
    Duration wait = reply.retryAfter() == null ? NO_RETRY_AFTER : reply.retryAfter();
    if (wait.compareTo(config.longestWait()) > 0) {
      throw ServiceException.of(429, "Dataverse throttles the agent for " + wait.toSeconds() + " s, longer than "
          + config.longestWait().toSeconds() + " s");
    }
    return wait;
  }

  /** Retry-After as Dataverse sends it, in seconds (an HTTP date is not used by it: the default wait then). */
  private static Duration seconds(String value) {
    try {
      return Duration.ofMillis(Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000)));
    } catch (NumberFormatException e) {
      return NO_RETRY_AFTER;
    }
  }

  /** The OData error's message ({@code {"error": {"code", "message"}}}), or the status alone. */
  static String error(Reply reply) {
    try {
      JsonNode error = JSON.readTree(reply.body()).path("error");
      if (error.hasNonNull("message")) {
        return reply.status() + " " + error.path("code").asText("") + " " + error.path("message").asText();
      }
    } catch (IOException e) {
      // Not JSON: the status says enough.
    }
    return String.valueOf(reply.status());
  }
}
