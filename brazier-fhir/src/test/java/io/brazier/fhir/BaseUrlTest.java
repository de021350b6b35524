package io.brazier.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BaseUrlTest {
  private static final String BASE = "http://fhir.example/fhir";

  @Test
  void aLinkBelowTheBaseOrOnItNamesWhatFollowsTheBase() {
    assertThat(BaseUrl.below(BASE + "/Observation?code=x", BASE)).contains("Observation?code=x");
    assertThat(BaseUrl.below(BASE + "/Patient/1/_history/2", BASE)).contains("Patient/1/_history/2");
    assertThat(BaseUrl.below(BASE + "?_getpages=a1&_getpagesoffset=20", BASE))
        .contains("?_getpages=a1&_getpagesoffset=20");
    assertThat(BaseUrl.below(BASE, BASE)).contains("");
    assertThat(BaseUrl.below(BASE + "/", BASE)).contains("");
  }

  @Test
  void aBaseCutsTheSameWithOrWithoutItsTrailingSlash() {
    assertThat(BaseUrl.below(BASE + "/Patient/1", BASE + "/")).contains("Patient/1");
    assertThat(BaseUrl.below(BASE + "?_getpages=a1", BASE + "/")).contains("?_getpages=a1");
    assertThat(BaseUrl.relative(BASE + "/Patient/1", BASE + "/")).contains("Patient/1");
  }

  @Test
  void belowNoBaseALinkFromTheRootNamesItsPath() {
    assertThat(BaseUrl.below("/Patient/1", "")).contains("Patient/1");
    assertThat(BaseUrl.below("/r4/Patient?_page=2", "/r4/")).contains("Patient?_page=2");

    assertThat(BaseUrl.below("Patient/1", "")).isEmpty();
    assertThat(BaseUrl.below(BASE + "/Patient/1", "")).isEmpty();
  }

  @Test
  void schemeAndHostCompareWithoutCaseAndTheRestExactly() {
    assertThat(BaseUrl.below("HTTP://FHIR.Example/fhir/Patient/Abc", BASE)).contains("Patient/Abc");
    assertThat(BaseUrl.relative("http://FHIR.EXAMPLE/fhir/Patient/1", BASE)).contains("Patient/1");

    assertThat(BaseUrl.below("http://fhir.example/FHIR/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below("http://User@fhir.example/fhir/Patient/1", "http://user@fhir.example/fhir")).isEmpty();
  }

  @Test
  void aDefaultPortIsTheSameAsNone() {
    assertThat(BaseUrl.below("http://fhir.example:80/fhir/Patient/1", BASE)).contains("Patient/1");
    assertThat(BaseUrl.below(BASE + "/Patient/1", "http://fhir.example:80/fhir")).contains("Patient/1");
    assertThat(BaseUrl.below("https://fhir.example:443/fhir?_getpages=a1", "https://fhir.example/fhir/"))
        .contains("?_getpages=a1");
    assertThat(BaseUrl.below("http://[::1]/fhir/Patient/1", "http://[::1]:80/fhir")).contains("Patient/1");

    assertThat(BaseUrl.below("http://fhir.example:8080/fhir/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below("https://fhir.example:80/fhir/Patient/1", "https://fhir.example/fhir")).isEmpty();
    assertThat(BaseUrl.below("https://fhir.example/fhir/Patient/1", BASE)).isEmpty();
  }

  @Test
  void aLinkElsewhereNamesNothingBelowTheBase() {
    assertThat(BaseUrl.below("http://fhir.example/fhir2/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below("http://elsewhere.example/fhir/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below("http://fhir.example.org/fhir/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below("Patient?target=" + BASE + "/Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.below(BASE + "#top", BASE)).isEmpty();
  }

  @Test
  void aRelativeUrlNamesSomethingBelowTheBaseButNotTheBaseItself() {
    assertThat(BaseUrl.relative(BASE + "/Patient/1/_history/2", BASE)).contains("Patient/1/_history/2");
    assertThat(BaseUrl.relative(BASE + "/Patient?identifier=urn:x|1", BASE)).contains("Patient?identifier=urn:x|1");

    assertThat(BaseUrl.relative(BASE, BASE)).isEmpty();
    assertThat(BaseUrl.relative(BASE + "?_id=1", BASE)).isEmpty();
    assertThat(BaseUrl.relative("Patient/1", BASE)).isEmpty();
    assertThat(BaseUrl.relative("http://elsewhere.example/fhir/Patient/1", BASE)).isEmpty();
  }
}
