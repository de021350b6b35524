package io.brazier.sync.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import org.junit.jupiter.api.Test;

/** A search bundle's links, and the query values the agent reads from them and writes into its own URLs. */
class LinksTest {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  @Test
  void theLinkOfARelationIsFoundAmongTheOthers() throws Exception {
    JsonNode bundle = JSON.readTree("{\"link\":[{\"relation\":\"self\",\"url\":\"http://f/fhir/Patient\"},"
        + "{\"relation\":\"next\",\"url\":\"http://f/fhir/Patient?_cursor=abc\"}]}");

    assertThat(Links.link(bundle, "next")).isEqualTo("http://f/fhir/Patient?_cursor=abc");
    assertThat(Links.link(bundle, "self")).isEqualTo("http://f/fhir/Patient");
  }

  @Test
  void aBundleWithoutTheRelationOrWithoutLinksHasNone() throws Exception {
    assertThat(Links.link(JSON.readTree("{\"link\":[{\"relation\":\"self\",\"url\":\"x\"}]}"), "next")).isNull();
    assertThat(Links.link(JSON.readTree("{\"resourceType\":\"Bundle\"}"), "next")).isNull();
    assertThat(Links.link(JSON.readTree("{\"link\":[{\"relation\":\"next\"}]}"), "next")).isNull();
  }

  @Test
  void aQueryValueIsReadDecodedWhereverItStands() {
    String url = "http://f/fhir/Patient?_count=50&_cursor=a%2Bb%3D%3D&_sort=_id";

    assertThat(Links.param(url, "_cursor")).isEqualTo("a+b==");
    assertThat(Links.param(url, "_count")).isEqualTo("50");
    assertThat(Links.param(url, "_sort")).isEqualTo("_id");
  }

  @Test
  void aParameterWithoutValueIsEmptyAndAMissingOneNull() {
    String url = "http://f/fhir/Patient?_total&_count=5";

    assertThat(Links.param(url, "_total")).isEmpty();
    assertThat(Links.param(url, "_cursor")).isNull();
    assertThat(Links.param("http://f/fhir/Patient", "_cursor")).isNull();
    assertThat(Links.param(null, "_cursor")).isNull();
  }

  @Test
  void aNameThatOnlyStartsTheSameIsAnotherParameter() {
    assertThat(Links.param("http://f/fhir/Patient?_cursorx=1", "_cursor")).isNull();
  }

  @Test
  void whatIsEncodedReadsBackTheSame() {
    String cursor = "k+/=&?é 1";

    assertThat(Links.param("http://f/fhir/Patient?_cursor=" + Links.encode(cursor), "_cursor")).isEqualTo(cursor);
  }
}
