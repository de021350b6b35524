package io.brazier.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
  private final TrustedProxies trusted = new TrustedProxies(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

  @Test
  void addressesAndRangesAreTrustedAndNothingElse() {
    assertThat(trusted.trusts("10.200.3.4")).isTrue();
    assertThat(trusted.trusts("192.168.1.7")).isTrue();
    assertThat(trusted.trusts("fd12::1")).isTrue();
    assertThat(trusted.trusts("192.168.1.8")).isFalse();
    assertThat(trusted.trusts("11.0.0.1")).isFalse();
    assertThat(trusted.trusts("localhost")).as("names are never looked up").isFalse();
    assertThat(new TrustedProxies(List.of()).trusts("10.0.0.1")).isFalse();
  }

  @Test
  void theClientIsTheNearestForwardedAddressThatIsNoTrustedProxy() {
    assertThat(trusted.client("10.0.0.1", "203.0.113.9, 198.51.100.2, 10.0.0.5")).isEqualTo("198.51.100.2");
    assertThat(trusted.client("10.0.0.1", null)).isEqualTo("10.0.0.1");
    assertThat(trusted.client("203.0.113.50", "1.2.3.4")).as("an untrusted peer names no one")
        .isEqualTo("203.0.113.50");
  }

  @Test
  void forwardedHostAndProtoAreBelievedOnlyFromATrustedPeer() {
    assertThat(trusted.forwarded("10.0.0.1", "fhir.example.org, inner", "own")).isEqualTo("fhir.example.org");
    assertThat(trusted.forwarded("203.0.113.50", "fhir.example.org", "own")).isEqualTo("own");
  }

  @Test
  void aRangeThatIsNotOneIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.internal")))
        .hasMessageContaining("--trusted-proxies");
    assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/33"))).hasMessageContaining("--trusted-proxies");
  }
}
