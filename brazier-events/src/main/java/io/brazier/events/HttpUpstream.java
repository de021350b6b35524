package io.brazier.events;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A FHIR server over HTTP, at {@code base} ({@code http://host:8080/fhir}). */
final class HttpUpstream implements Upstream {
  private final HttpClient client;
  private final String base;
  private final Duration timeout;

  /** @param timeout the longest wait for one answer: longer than the change feed's long poll */
  HttpUpstream(URI base, Duration timeout) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String text = base.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.timeout = timeout;
  }

  @Override
  public Answer get(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + url)).timeout(timeout)
        .header("Accept", "application/fhir+json").GET().build();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new FeedFailure("GET " + base + "/" + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FeedFailure("Interrupted while reading " + base + "/" + url, e);
    }
  }
}
