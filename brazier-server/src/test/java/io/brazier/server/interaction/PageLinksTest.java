package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.server.Http;
import io.brazier.server.TestServer;
import io.brazier.server.http.Queries;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * The links of a searchset: each page links to itself, the first, previous, next and last pages, and every link
 * carries the client's parameters, encoded, so that following it runs the same search.
 * https://hl7.org/fhir/R4/http.html#paging
 */
class PageLinksTest {
  private final TestServer server = TestServer.shared();
  private final Http http = server.http();

  @Test
  void everyLinkKeepsEveryParameterRepeatedAndModifiedAndTheSizeOfThePage() {
    String family = unique();
    createPatients(family, 5);

    Bundle first = search("Patient?family:exact=" + family + "&given=G&given=Given&_sort=-_id&_count=2");

    assertThat(first.getLink()).extracting(Bundle.BundleLinkComponent::getRelation)
        .containsExactly("self", "first", "next", "last");
    assertThat(first.getLink()).allSatisfy(link -> assertThat(link.getUrl())
        .startsWith(server.baseUrl() + "/Patient?")
        .contains("family:exact=" + family, "given=G&given=Given", "_sort=-_id", "_count=2", "_cursor="));
  }

  @Test
  void aValueWithReservedCharactersIsEncodedSoThatTheNextPageFindsTheSameMatches() {
    String value = "a+b&c=d e#f%g/h:" + unique();
    for (int i = 0; i < 3; i++) {
      server.client().create().resource(new Patient().addIdentifier(new org.hl7.fhir.r4.model.Identifier()
          .setSystem("urn:example:odd").setValue(value))).execute();
    }

    List<Bundle> pages = walk("Patient?identifier=" + encode("urn:example:odd|" + value) + "&_count=2");

    assertThat(pages).hasSize(2);
    assertThat(pages.get(0).getTotal()).isEqualTo(3);
    assertThat(pages.get(1).getEntry()).hasSize(1);
    String next = pages.get(0).getLink(Bundle.LINK_NEXT).getUrl();
    assertThat(next).contains("identifier=urn:example:odd%7Ca%2Bb%26c%3Dd+e%23f%25g/h:links");
    assertThat(URI.create(next).getRawQuery()).doesNotContain(" ");
  }

  @Test
  void parametersTheSearchIgnoredAreLeftOutOfTheLinks() {
    // https://hl7.org/fhir/R4/search.html#errors: the self link holds the parameters actually used.
    String family = unique();
    createPatients(family, 3);

    Bundle first = search("Patient?family=" + family + "&bogus=1&_sort=nonsense,-_id&_count=2");

    assertThat(first.getLink()).allSatisfy(link -> assertThat(link.getUrl())
        .contains("family=" + family, "_sort=-_id").doesNotContain("bogus", "nonsense"));
  }

  @Test
  void previousNextAndLastStepByThePageSize() {
    String family = unique();
    createPatients(family, 7);

    List<Bundle> pages = walk("Patient?family=" + family + "&_count=3");

    assertThat(pages).extracting(page -> page.getEntry().size()).containsExactly(3, 3, 1);
    assertThat(pages.get(0).getLink(Bundle.LINK_PREV)).isNull();
    assertThat(query(pages.get(1), Bundle.LINK_PREV)).isEqualTo(query(pages.get(0), "first"));
    assertThat(query(pages.get(1), Bundle.LINK_SELF)).isEqualTo(query(pages.get(0), Bundle.LINK_NEXT));
    assertThat(query(pages.get(2), Bundle.LINK_SELF)).isEqualTo(query(pages.get(0), "last"));
    assertThat(pages.get(2).getLink(Bundle.LINK_NEXT)).isNull();
  }

  @Test
  void aLinkCarriesOneCursorEvenWhenTheRequestHadOne() {
    String family = unique();
    createPatients(family, 5);

    List<Bundle> pages = walk("Patient?family=" + family + "&_count=2");

    assertThat(pages).hasSize(3);
    assertThat(pages).flatMap(Bundle::getLink).allSatisfy(link ->
        assertThat(link.getUrl().split("_cursor=", -1)).hasSize(2));
  }

  @Test
  void aSearchWithNoMatchesLinksToItself() {
    Bundle empty = search("Patient?family=" + unique() + "&_count=2");

    assertThat(empty.getTotal()).isZero();
    assertThat(empty.getLink(Bundle.LINK_SELF).getUrl()).contains("family=");
    assertThat(empty.getLink(Bundle.LINK_NEXT)).isNull();
    assertThat(empty.getLink(Bundle.LINK_PREV)).isNull();
  }

  @Test
  void aSystemSearchLinksBelowTheBaseWithoutAType() {
    String family = unique();
    createPatients(family, 3);

    Bundle first = search("?_type=Patient&family=" + family + "&_count=2");

    assertThat(first.getLink(Bundle.LINK_NEXT).getUrl()).startsWith(server.baseUrl() + "?")
        .contains("_type=Patient", "family=" + family);
    assertThat(walk("?_type=Patient&family=" + family + "&_count=2")).flatMap(Bundle::getEntry).hasSize(3);
  }

  /** A link's parameters, whatever their order. */
  private static Map<String, List<String>> query(Bundle page, String relation) {
    return Queries.parse(URI.create(page.getLink(relation).getUrl()).getRawQuery());
  }

  /** Every page of a search, following the next links as the server wrote them. */
  private List<Bundle> walk(String query) {
    List<Bundle> pages = new ArrayList<>();
    Bundle page = search(query);
    pages.add(page);
    while (page.getLink(Bundle.LINK_NEXT) != null) {
      page = get(page.getLink(Bundle.LINK_NEXT).getUrl().substring(server.rootUrl().length()));
      pages.add(page);
    }
    return pages;
  }

  private Bundle search(String query) {
    return get("/fhir/" + query);
  }

  private Bundle get(String path) {
    Http.Response response = http.get(path);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.resource(Bundle.class);
  }

  private void createPatients(String family, int count) {
    for (int i = 0; i < count; i++) {
      server.client().create().resource(new Patient().addName(new org.hl7.fhir.r4.model.HumanName()
          .setFamily(family).addGiven("Given" + i))).execute();
    }
  }

  private static String unique() {
    return "links" + UUID.randomUUID().toString().replace("-", "");
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }
}
