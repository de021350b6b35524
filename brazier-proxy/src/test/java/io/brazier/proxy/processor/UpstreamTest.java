package io.brazier.proxy.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.proxy.ProxyRequest;
import io.brazier.server.FhirRequest;
import org.junit.jupiter.api.Test;

/** The page links processors follow, as paths below the base the request came to. */
class UpstreamTest {
  private static final String BASE = "http://proxy.example/fhir";
  private final Upstream upstream = new Upstream(new Fhir(false),
      ProxyRequest.of(FhirRequest.builder("GET", "Encounter?_sort=date").baseUrl(BASE).build(), null, null, null));

  @Test
  void aLinkBelowTheBaseOrBelowNoBaseIsThePathAfterIt() {
    assertThat(upstream.below(BASE + "/Encounter?_sort=date&_offset=20")).isEqualTo("Encounter?_sort=date&_offset=20");
    assertThat(upstream.below("/Encounter?_offset=20")).isEqualTo("Encounter?_offset=20");
  }

  @Test
  void aLinkOnTheBaseItselfIsItsQueryAsHapiWritesItsPagingLinks() {
    assertThat(upstream.below(BASE + "?_getpages=a1&_getpagesoffset=20")).isEqualTo("?_getpages=a1&_getpagesoffset=20");
  }
}
