package io.brazier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.proxy.upstream.Upstream.RetryPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code brazier proxy}'s settings: each bad one is refused with a sentence naming its flag. */
class UpstreamConfigTest {
  private static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(10));

  @Test
  void aProxyInFrontOfAnHttpsServerOnAnyPortIsFine() {
    List<String> proxies = new ArrayList<>(List.of("10.0.0.0/8"));

    UpstreamConfig config = config(URI.create("https://fhir.example.com/fhir"), 0, Duration.ofSeconds(30), proxies,
        1 << 20);
    proxies.clear();

    assertThat(config.trustedProxies()).as("kept as given").containsExactly("10.0.0.0/8");
  }

  @Test
  void anUpstreamThatIsNoHttpUrlOfAHostIsRefused() {
    for (String upstream : List.of("ftp://fhir.example.com/fhir", "fhir.example.com/fhir", "https:///fhir")) {
      assertThatThrownBy(() -> config(URI.create(upstream), 0, Duration.ofSeconds(30), List.of(), 1 << 20))
          .as(upstream).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--upstream")
          .hasMessageContaining(upstream);
    }
    assertThatThrownBy(() -> config(null, 0, Duration.ofSeconds(30), List.of(), 1 << 20))
        .hasMessageContaining("--upstream takes the FHIR base URL");
  }

  @Test
  void aPortOutOfRangeIsRefused() {
    assertThatThrownBy(() -> config(URI.create("http://fhir:8080/fhir"), 65_536, Duration.ofSeconds(30), List.of(),
        1 << 20)).hasMessage("--port must be between 0 and 65535, not 65536");
    assertThatThrownBy(() -> config(URI.create("http://fhir:8080/fhir"), -1, Duration.ofSeconds(30), List.of(),
        1 << 20)).hasMessageContaining("--port");
  }

  @Test
  void anUpstreamTimeoutOfNothingIsRefused() {
    assertThatThrownBy(() -> config(URI.create("http://fhir:8080/fhir"), 0, Duration.ZERO, List.of(), 1 << 20))
        .hasMessageContaining("--upstream-timeout must be more than 0");
    assertThatThrownBy(() -> config(URI.create("http://fhir:8080/fhir"), 0, Duration.ofSeconds(-1), List.of(),
        1 << 20)).hasMessageContaining("--upstream-timeout");
  }

  @Test
  void aBodyLimitThatNoBodyOrNoArrayFitsIsRefused() {
    URI upstream = URI.create("http://fhir:8080/fhir");

    assertThat(config(upstream, 0, Duration.ofSeconds(30), List.of(), UpstreamConfig.MOST_BUFFERED_BYTES)
        .maxBufferedBytes()).isEqualTo(Integer.MAX_VALUE - 9);
    for (long limit : new long[] {0, -1, UpstreamConfig.MOST_BUFFERED_BYTES + 1, Long.MAX_VALUE}) {
      assertThatThrownBy(() -> config(upstream, 0, Duration.ofSeconds(30), List.of(), limit)).as("%d", limit)
          .hasMessageContaining("--max-body-bytes must be between 1 and").hasMessageEndingWith("not " + limit);
    }
  }

  @Test
  void aTrustedProxyThatIsNoAddressOrRangeIsRefused() {
    assertThatThrownBy(() -> config(URI.create("http://fhir:8080/fhir"), 0, Duration.ofSeconds(30),
        List.of("10.0.0.0/8", "the-load-balancer"), 1 << 20))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the-load-balancer");
  }

  private static UpstreamConfig config(URI upstream, int port, Duration timeout, List<String> trustedProxies,
      long maxBufferedBytes) {
    return new UpstreamConfig(upstream, "127.0.0.1", port, null, Optional.empty(), trustedProxies, RETRIES, timeout,
        maxBufferedBytes);
  }
}
