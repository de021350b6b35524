package io.brazier.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HttpUrlsTest {

  @Test
  void anHttpOrHttpsUrlOfAHostIsOne() {
    assertThat(HttpUrls.isHttp(URI.create("https://fhir.example/fhir"))).isTrue();
    assertThat(HttpUrls.isHttp(URI.create("HTTP://localhost:8080"))).isTrue();
    assertThat(HttpUrls.parse("https://issuer.example/keys")).contains(URI.create("https://issuer.example/keys"));
  }

  @Test
  void anotherSchemeAUrlWithoutAHostOrNoUrlIsNone() {
    assertThat(HttpUrls.isHttp(URI.create("file:///etc/keys"))).isFalse();
    assertThat(HttpUrls.isHttp(URI.create("https:/no-host"))).isFalse();
    assertThat(HttpUrls.isHttp(URI.create("fhir/Patient"))).isFalse();
    assertThat(HttpUrls.isHttp(null)).isFalse();
    assertThat(HttpUrls.parse("https://bad host/")).isEmpty();
    assertThat(HttpUrls.parse("ftp://files.example/")).isEmpty();
    assertThat(HttpUrls.parse(null)).isEmpty();
  }
}
