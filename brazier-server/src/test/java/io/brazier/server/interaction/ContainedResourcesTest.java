package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.interaction.ContainedResources.Contained;
import io.brazier.store.ResourceVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contained resources of a stored container as entries of their own ({@code _containedType=contained}): each
 * named by its container's URL and its local id, its JSON as stored. https://hl7.org/fhir/R4/search.html#contained
 */
class ContainedResourcesTest {
  private static final ResourceVersion CONTAINER = new ResourceVersion("Observation", "o1", 2, Instant.EPOCH, false,
      """
      {"resourceType":"Observation","id":"o1","contained":[
        {"resourceType":"Patient","id":"p","active":true},
        {"resourceType":"Specimen","id":"s"},
        {"resourceType":"Patient","id":"q","extension":[{"url":"http://example.org/weight","valueDecimal":70.10}]}],
       "status":"final","code":{"text":"x"},"subject":{"reference":"#p"}}""".getBytes(StandardCharsets.UTF_8));

  @Test
  void theContainedResourcesOfTheTypesAskedForComeInTheirOrder() {
    List<Contained> found = ContainedResources.of(CONTAINER, List.of("Patient"));

    assertThat(found).extracting(Contained::fullUrl).containsExactly("/Observation/o1#p", "/Observation/o1#q");
    assertThat(ContainedResources.of(CONTAINER, List.of("Patient", "Specimen"))).hasSize(3);
    assertThat(ContainedResources.of(CONTAINER, List.of("Practitioner"))).isEmpty();
  }

  @Test
  void eachKeepsItsJsonAsStoredDecimalsIncluded() {
    Contained q = ContainedResources.of(CONTAINER, List.of("Patient")).get(1);

    assertThat(new String(q.json(), StandardCharsets.UTF_8)).contains("\"valueDecimal\":70.10")
        .startsWith("{\"resourceType\":\"Patient\",\"id\":\"q\"");
  }

  @Test
  void aResourceWithoutContainedResourcesHasNone() {
    ResourceVersion plain = new ResourceVersion("Patient", "p1", 1, Instant.EPOCH, false,
        "{\"resourceType\":\"Patient\",\"id\":\"p1\"}".getBytes(StandardCharsets.UTF_8));

    assertThat(ContainedResources.of(plain, List.of("Patient"))).isEmpty();
  }
}
