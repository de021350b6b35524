package io.brazier.proxy.upstream;

import io.brazier.client.ClientCredentials;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR server behind the proxy, over one pooled {@link HttpClient} (HTTP/2 where TLS negotiates it, HTTP/1.1
 * otherwise), with the proxy's own token when the upstream needs one. Answers come back as streams, never read
 * whole. An idempotent request the upstream answers 429 or 503 is sent again after its {@code Retry-After} (or a
 * doubling pause when it gives none), as long as that wait is within {@link RetryPolicy#longestWait}; a POST or PATCH
 * never is, as the upstream may have acted on it. An upstream that cannot be reached is a 502, one that does not
 * answer in time a 504, both with an OperationOutcome.
 */
public final class Upstream {
  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  private static final Set<Integer> RETRIED = Set.of(429, 503);

  /** How often and how long an idempotent request is tried again. */
  public record RetryPolicy(int maxRetries, Duration firstPause, Duration longestWait) {
    public RetryPolicy {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("--upstream-max-retries must be 0 or more, not " + maxRetries);
      }
    }
  }

  /** A request body: bytes that can be sent again, or a stream that can be sent once. */
  record Body(byte[] bytes, InputStream stream, long length) {
    static final Body NONE = new Body(null, null, 0);

    boolean replayable() {
      return stream == null;
    }

    BodyPublisher publisher() {
      if (bytes != null) {
        return BodyPublishers.ofByteArray(bytes);
      }
      if (stream == null) {
        return BodyPublishers.noBody();
      }
      BodyPublisher streamed = BodyPublishers.ofInputStream(() -> stream);
      return length >= 0 ? BodyPublishers.fromPublisher(streamed, length) : streamed;
    }
  }

  private final String base;
  private final Optional<ClientCredentials> credentials;
  private final RetryPolicy retries;
  private final Duration timeout;
  private final HttpClient client;

  public Upstream(URI base, Optional<ClientCredentials> credentials, RetryPolicy retries, Duration timeout) {
    String url = base.toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.credentials = credentials;
    this.retries = retries;
    this.timeout = timeout;
    // Over plain http, HTTP/2 would mean an h2c upgrade that many servers refuse: TLS negotiates HTTP/2 by ALPN.
    this.client = HttpClient.newBuilder()
        .version(base.getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** The base URL, without a trailing slash: what the proxy replaces with its own in answers. */
  public String base() {
    return base;
  }

  /**
   * Sends a request below the base ({@code pathAndQuery} starts with {@code /}, or is empty) and returns the answer
   * as it comes, the last one when retries are spent; a FhirException (502, 504) when no answer comes.
   */
  HttpResponse<InputStream> send(String method, String pathAndQuery, Map<String, String> headers, Body body) {
    boolean retried = IDEMPOTENT.contains(method) && body.replayable();
    boolean freshToken = false;
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> response = exchange(method, pathAndQuery, headers, body, freshToken);
      if (response.statusCode() == 401 && credentials.isPresent() && body.replayable() && !freshToken) {
        // A token can be revoked before it expires: one more try with a new one.
        discard(response);
        freshToken = true;
        continue;
      }
      Duration pause = retried && attempt < retries.maxRetries() ? pause(response, attempt) : null;
      if (pause == null) {
        return response;
      }
      log.info("Upstream busy, retrying status={} method={} attempt={} pauseMs={}", response.statusCode(), method,
          attempt + 1, pause.toMillis());
      discard(response);
      sleep(pause);
    }
  }

  /** How long to wait before trying again; null when the answer is final or the upstream asks too long a wait. */
  private Duration pause(HttpResponse<?> response, int attempt) {
    if (!RETRIED.contains(response.statusCode())) {
      return null;
    }
    Duration asked = RetryAfter.parse(response.headers().firstValue("Retry-After").orElse(null));
    Duration pause = asked != null ? asked : retries.firstPause().multipliedBy(1L << Math.min(attempt, 10));
    return pause.compareTo(retries.longestWait()) > 0 ? null : pause;
  }

  private HttpResponse<InputStream> exchange(String method, String pathAndQuery, Map<String, String> headers,
      Body body, boolean freshToken) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
          .timeout(timeout)
          .method(method, body.publisher());
      headers.forEach(request::setHeader);
      if (credentials.isPresent()) {
        request.setHeader("Authorization", "Bearer " + token(freshToken));
      }
      return client.send(request.build(), BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new FhirException(504, IssueType.TIMEOUT, "The upstream FHIR server did not answer within "
          + timeout.toSeconds() + " s.");
    } catch (ConnectException e) {
      throw unreachable("refused the connection");
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw unreachable("was not waited for: the proxy is stopping");
    } catch (IOException e) {
      log.warn("Upstream failed method={} base={}: {}", method, base, e.toString());
      throw unreachable("failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("was not waited for: the proxy is stopping");
    }
  }

  private String token(boolean fresh) {
    try {
      return credentials.orElseThrow().token(fresh);
    } catch (IOException e) {
      log.warn("No token for the upstream: {}", e.getMessage());
      throw new FhirException(502, IssueType.SECURITY, "The proxy could not get a token for the upstream FHIR"
          + " server: " + e.getMessage());
    }
  }

  private static FhirException unreachable(String what) {
    return new FhirException(502, IssueType.TRANSIENT, "The upstream FHIR server " + what + ".");
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      body.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      // The connection goes back to the pool or is dropped: either way nothing more to do.
    }
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable("was not waited for: the proxy is stopping");
    }
  }
}
