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

  /** The scheme alone, for a message that tells an http(s) URL Java cannot reach from one of another scheme. */
  @Test
  void anHttpOrHttpsSchemeIsOneWhateverTheHost() {
    assertThat(HttpUrls.isHttpScheme(URI.create("https://fhir.example/fhir"))).isTrue();
    assertThat(HttpUrls.isHttpScheme(URI.create("HTTP://storage_1:9000/Patient.ndjson"))).isTrue();
    assertThat(HttpUrls.isHttpScheme(URI.create("https:/no-host"))).isTrue();
    assertThat(HttpUrls.isHttpScheme(URI.create("file:///etc/keys"))).isFalse();
    assertThat(HttpUrls.isHttpScheme(URI.create("fhir/Patient"))).isFalse();
    assertThat(HttpUrls.isHttpScheme(null)).isFalse();
  }

  @Test
  void aUrlIsShownWithTheValuesOfItsQueryAndItsUserRedacted() {
    assertThat(HttpUrls.redacted("https://acct.blob.core.windows.net/in/Patient.ndjson?sv=2022-11-02&sp=r&sig=s%2Bc"))
        .isEqualTo("https://acct.blob.core.windows.net/in/Patient.ndjson?sv=REDACTED&sp=REDACTED&sig=REDACTED");
    assertThat(HttpUrls.redacted("https://files.example/a?token&X-Amz-Signature=abc#part"))
        .isEqualTo("https://files.example/a?REDACTED&X-Amz-Signature=REDACTED#part");
    assertThat(HttpUrls.redacted("https://user:secret@files.example/a@b"))
        .isEqualTo("https://REDACTED@files.example/a@b");
    assertThat(HttpUrls.redacted("http://bad host/x?sig=secret")).isEqualTo("http://bad host/x?sig=REDACTED");
  }

  @Test
  void aUrlWithoutAQueryOrUserIsShownAsItIs() {
    assertThat(HttpUrls.redacted("file:///data/import/Patient.ndjson")).isEqualTo("file:///data/import/Patient.ndjson");
    assertThat(HttpUrls.redacted("https://files.example/a#x?y=1")).isEqualTo("https://files.example/a#x?y=1");
    assertThat(HttpUrls.redacted("placeholder")).isEqualTo("placeholder");
  }
}
