package io.brazier.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A FHIR server over HTTP: one pooled {@link HttpClient} (HTTP/2 where TLS negotiates it, HTTP/1.1 otherwise), with
 * an OAuth2 bearer token when the server needs one. A 401 fetches a new token and tries once more, as a token can be
 * revoked before it expires.
 */
public final class HttpFhirClient implements FhirClient {
  private final String base;
  private final Optional<ClientCredentials> credentials;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final HttpClient client;

  public HttpFhirClient(URI base, Optional<ClientCredentials> credentials, Duration timeout) {
    this(base, credentials, timeout, Map.of());
  }

  /**
   * @param headers sent with every request, e.g. {@code x-bundle-processing-logic: parallel} for Azure Health Data
   *     Services
   */
  public HttpFhirClient(URI base, Optional<ClientCredentials> credentials, Duration timeout,
      Map<String, String> headers) {
    String url = base.toString();
    this.base = url.endsWith("/") ? url : url + "/";
    this.credentials = credentials;
    this.timeout = timeout;
    this.headers = Map.copyOf(headers);
    // Over plain http, HTTP/2 would mean an h2c upgrade that many servers refuse: TLS negotiates HTTP/2 by ALPN.
    this.client = HttpClient.newBuilder()
        .version(base.getScheme().equals("https") ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** The base URL as given, without a trailing slash ({@code http://host:8080/fhir}). */
  @Override
  public String name() {
    return base.substring(0, base.length() - 1);
  }

  @Override
  public FhirReply send(FhirCall call) throws IOException {
    FhirReply reply = exchange(call, false);
    if (reply.status() == 401 && credentials.isPresent()) {
      reply = exchange(call, true);
    }
    return reply;
  }

  /** The URL of a path, with what a URI may not hold as it is ({@code |} of tokens, spaces) percent-encoded. */
  URI uri(String path) throws IOException {
    StringBuilder url = new StringBuilder(base);
    for (char c : path.toCharArray()) {
      if (c == '|' || c == ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{'
          || c == '}') {
        url.append('%').append(String.format("%02X", (int) c));
      } else {
        url.append(c);
      }
    }
    try {
      return URI.create(url.toString());
    } catch (IllegalArgumentException e) {
      throw new IOException("Not a URL the loader can send to: " + url, e);
    }
  }

  private FhirReply exchange(FhirCall call, boolean freshToken) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(call.path()))
        .timeout(timeout)
        .method(call.method(), call.body() == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(call.body()));
    headers.forEach(request::header);
    call.headers().forEach(request::setHeader);
    if (credentials.isPresent()) {
      request.header("Authorization", "Bearer " + credentials.get().token(freshToken));
    }
    try {
      var response = client.send(request.build(), BodyHandlers.ofByteArray());
      return new FhirReply(response.statusCode(), response.headers().map(), response.body());
    } catch (ConnectException e) {
      throw ConnectFailures.named(name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while waiting for " + base);
    }
  }
}
