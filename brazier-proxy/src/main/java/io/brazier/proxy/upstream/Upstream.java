package io.brazier.proxy.upstream;

import io.brazier.client.ClientCredentials;
import io.brazier.client.RetryAfter;
import io.brazier.fhir.FhirException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FHIR server behind the proxy, over one pooled Jetty {@link HttpClient} (HTTP/2 where TLS negotiates it,
 * HTTP/1.1 otherwise; Jetty's client costs the proxy far less CPU per request than {@code java.net.http}), with the
 * proxy's own token when the upstream needs one. Answers come back as streams, never read whole. An idempotent
 * request the upstream answers 429 or 503 is sent again after its {@code Retry-After} (or a doubling pause when it
 * gives none), as long as that wait is within {@link RetryPolicy#longestWait}; a POST or PATCH never is, as the
 * upstream may have acted on it. An upstream that cannot be reached is a 502, one that does not begin its answer in
 * time a 504, both with an OperationOutcome.
 */
public final class Upstream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Upstream.class);
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
  private static final Set<Integer> RETRIED = Set.of(429, 503);

  /** How often and how long an idempotent request is tried again. */
  public record RetryPolicy(int maxRetries, Duration firstPause, Duration longestWait) {
    public RetryPolicy {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("--upstream-max-retries must be 0 or more, not " + maxRetries);
      }
      if (firstPause.isNegative()) {
        throw new IllegalArgumentException("--upstream-retry-pause must be 0 or more, not " + firstPause);
      }
      if (longestWait.isNegative()) {
        throw new IllegalArgumentException("--upstream-max-retry-wait must be 0 or more, not " + longestWait);
      }
    }
  }

  /** A request body: bytes that can be sent again, or a stream that can be sent once. */
  record Body(byte[] bytes, InputStream stream, long length) {
    static final Body NONE = new Body(null, null, 0);

    boolean replayable() {
      return stream == null;
    }

    /**
     * This body as bytes that can be read and sent again: a stream is read whole, up to {@code maxBytes} (a larger
     * body is a 413, as {@code --max-body-bytes} says).
     */
    Body held(long maxBytes) {
      if (stream == null) {
        return this;
      }
      try (InputStream in = stream) {
        byte[] read = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        if (read.length > maxBytes) {
          throw FhirException.tooLarge("The body is larger than " + maxBytes + " bytes, the most the proxy holds"
              + " to check, process or resend it (--max-body-bytes).");
        }
        return new Body(read, null, read.length);
      } catch (IOException e) {
        throw FhirException.badRequest("The request body could not be read: " + e.getMessage());
      }
    }

    /** The body as Jetty sends it; null for none. Its type is the request's Content-Type header, if any. */
    Request.Content content() {
      if (bytes != null) {
        return new BytesRequestContent((String) null, bytes);
      }
      if (stream == null) {
        return null;
      }
      return new InputStreamRequestContent(null, stream) {
        @Override
        public long getLength() {
          return length; // sent with its Content-Length when the client gave one, else chunked
        }
      };
    }
  }

  /** The upstream's answer: its status, headers and body, the body as it comes. */
  record Answer(int status, HttpFields headers, InputStream body) {}

  private final String base;
  private final Optional<ClientCredentials> credentials;
  private final RetryPolicy retries;
  private final Duration timeout;
  private final HttpClient client;
  /** The upstream's one destination (its origin and connection pool), found once rather than for each request. */
  private final Destination destination;
  /** The Host header of every request, set here so that Jetty does not build each request's URI to find it. */
  private final HttpField host;

  public Upstream(URI base, Optional<ClientCredentials> credentials, RetryPolicy retries, Duration timeout) {
    String url = base.toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.credentials = credentials;
    this.retries = retries;
    this.timeout = timeout;
    this.client = client();
    URI baseUri = URI.create(this.base);
    this.destination = client.resolveDestination(client.newRequest(baseUri));
    this.host = new HttpField(HttpHeader.HOST, baseUri.getRawAuthority());
  }

  /**
   * HTTP/1.1 first: over plain http it is the one used (an h2c upgrade many servers refuse), over TLS ALPN picks
   * HTTP/2 where the upstream offers it. Answers pass as the upstream encoded them (no decompression), redirects to
   * the client, and a body may be silent as long as the upstream likes (a waiting {@code $changes}).
   */
  private static HttpClient client() {
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("brazier-upstream");
    threads.setDaemon(true); // the proxy's own server threads, not these, keep the process alive
    ClientConnector connector = new ClientConnector();
    connector.setExecutor(threads);
    connector.setScheduler(new ScheduledExecutorScheduler("brazier-upstream-scheduler", true));
    HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11,
        new ClientConnectionFactoryOverHTTP2.HTTP2(new HTTP2Client(connector))));
    client.setConnectTimeout(10_000);
    client.setIdleTimeout(0);
    client.setFollowRedirects(false);
    client.setRedirectCache(null); // redirects go back to the client: no lookup of earlier ones for each request
    // No cookie jar: a cookie the upstream sets never goes with a later request, another caller's.
    client.setHttpCookieStore(new HttpCookieStore.Empty());
    client.setUserAgentField(null);
    client.getContentDecoderFactories().clear();
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("The HTTP client towards the upstream did not start: " + e.getMessage(), e);
    }
    return client;
  }

  /** The base URL, without a trailing slash: what the proxy replaces with its own in answers. */
  public String base() {
    return base;
  }

  /**
   * Sends a request below the base ({@code pathAndQuery} starts with {@code /}, or is empty) and returns the answer
   * as it comes, the last one when retries are spent; a FhirException (502, 504) when no answer comes.
   */
  Answer send(String method, String pathAndQuery, Map<String, String> headers, Body body) {
    boolean retried = IDEMPOTENT.contains(method) && body.replayable();
    boolean freshToken = false;
    for (int attempt = 0; ; attempt++) {
      Answer response = exchange(method, pathAndQuery, headers, body, freshToken);
      if (response.status() == 401 && credentials.isPresent() && body.replayable() && !freshToken) {
        // A token can be revoked before it expires: one more try with a new one.
        discard(response);
        freshToken = true;
        continue;
      }
      Duration pause = retried && attempt < retries.maxRetries() ? pause(response, attempt) : null;
      if (pause == null) {
        return response;
      }
      log.info("Upstream busy, retrying status={} method={} attempt={} pauseMs={}", response.status(), method,
          attempt + 1, pause.toMillis());
      discard(response);
      sleep(pause);
    }
  }

  /** How long to wait before trying again; null when the answer is final or the upstream asks too long a wait. */
  private Duration pause(Answer response, int attempt) {
    if (!RETRIED.contains(response.status())) {
      return null;
    }
    Duration pause = RetryAfter.parse(response.headers().get("Retry-After"))
        .orElseGet(() -> retries.firstPause().multipliedBy(1L << Math.min(attempt, 10)));
    return pause.compareTo(retries.longestWait()) > 0 ? null : pause;
  }

  private Answer exchange(String method, String pathAndQuery, Map<String, String> headers, Body body,
      boolean freshToken) {
    Request request = client.newRequest(URI.create(base + pathAndQuery)).method(method).body(body.content());
    request.headers(sent -> {
      sent.put(host);
      headers.forEach(sent::put);
      if (credentials.isPresent()) {
        sent.put("Authorization", "Bearer " + token(freshToken));
      }
    });
    AnswerBody.Listener listener = new AnswerBody.Listener();
    destination.send(request, listener);
    try {
      Response response = listener.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Answer(response.getStatus(), response.getHeaders(), listener.body());
    } catch (TimeoutException e) {
      request.abort(e);
      throw new FhirException(504, IssueType.TIMEOUT, "The upstream FHIR server did not answer within "
          + timeout.toSeconds() + " s.");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConnectException) {
        throw unreachable("refused the connection");
      }
      log.warn("Upstream failed method={} base={}: {}", method, base, e.getCause().toString());
      throw unreachable("failed: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      request.abort(e);
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

  private static void discard(Answer response) {
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

  /** Closes the pooled connections and stops the client's threads. */
  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      log.warn("The HTTP client towards the upstream did not stop cleanly: {}", e.toString());
    }
  }
}
