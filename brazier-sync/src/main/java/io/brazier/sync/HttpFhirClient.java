package io.brazier.sync;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A FHIR server over HTTP, with {@code java.net.http}. The timeout of a call leaves room for the change feed's long
 * poll ({@code _wait}, at most 60 s). With tokens, each call carries one; a 401 asks for a new token and tries once
 * more, as a token may be revoked or its issuer's keys rotated before it expires.
 */
public final class HttpFhirClient implements FhirClient {
  private final String base;
  private final HttpClient http;
  private final Duration timeout;
  private final BearerTokens tokens;

  /** A server that wants no token. */
  public HttpFhirClient(URI base, Duration timeout) {
    this(base, timeout, null);
  }

  /**
   * @param base the FHIR base URL, {@code http://host:8080/fhir}
   * @param tokens the tokens to send, or null for none
   */
  public HttpFhirClient(URI base, Duration timeout, BearerTokens tokens) {
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.timeout = timeout;
    this.tokens = tokens;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  @Override
  public FhirReply send(FhirCall call) throws IOException {
    FhirReply reply = send(call, false);
    return reply.status() == 401 && tokens != null ? send(call, true) : reply;
  }

  private FhirReply send(FhirCall call, boolean freshToken) throws IOException {
    HttpRequest.BodyPublisher body = call.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(call.body());
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/" + call.url()))
        .timeout(timeout)
        .header("Accept", "application/fhir+json")
        .method(call.method(), body);
    call.headers().forEach(request::header);
    if (tokens != null) {
      request.header("Authorization", "Bearer " + tokens.token(freshToken));
    }
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      Map<String, String> headers = new HashMap<>();
      response.headers().map().forEach((name, values) -> headers.put(name, String.join(",", values)));
      return new FhirReply(response.statusCode(), headers, response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while calling " + base, e);
    }
  }

  @Override
  public String name() {
    return base;
  }
}
