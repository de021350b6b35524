package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Strings;
import io.brazier.fhir.search.References.Target;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Reference forms: https://hl7.org/fhir/R4/references.html and https://hl7.org/fhir/R4/search.html#reference */
class ReferencesTest {
  private static final Predicate<String> TYPES = new Fhir(false)::isResourceType;

  @Test
  void aRelativeReferenceIsATypeAndAnIdWhateverVersionItNames() {
    assertThat(References.parse("Patient/123", TYPES)).isEqualTo(new Target("Patient", "123", null, null));
    assertThat(References.parse("Observation/a-1.b/_history/7", TYPES))
        .isEqualTo(new Target("Observation", "a-1.b", null, null));
    assertThat(References.parse("Patient/123", TYPES).isLocal()).isTrue();
  }

  @Test
  void anAbsoluteReferenceIsAUrlAndACanonicalMayCarryAVersion() {
    Target absolute = References.parse("http://other.org/fhir/Patient/123", TYPES);

    assertThat(absolute).isEqualTo(new Target(null, null, "http://other.org/fhir/Patient/123", null));
    assertThat(absolute.isLocal()).isFalse();
    assertThat(References.parse("http://hl7.org/fhir/ValueSet/x|4.0.1", TYPES))
        .isEqualTo(new Target(null, null, "http://hl7.org/fhir/ValueSet/x", "4.0.1"));
    assertThat(References.parse("urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7", TYPES).url())
        .isEqualTo("urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7");
  }

  @Test
  void aCanonicalWithAnEmptyVersionHasNone() {
    assertThat(References.canonical("http://x.org/vs|")).isEqualTo(new Target(null, null, "http://x.org/vs", null));
  }

  @Test
  void containedMalformedAndUnknownTypeReferencesHaveNoTarget() {
    assertThat(References.parse("#p1", TYPES)).isNull();
    assertThat(References.parse(null, TYPES)).isNull();
    assertThat(References.parse(" ", TYPES)).isNull();
    assertThat(References.parse("Spaceship/1", TYPES)).isNull();
    assertThat(References.parse("patient/1", TYPES)).isNull();
    assertThat(References.parse("Patient/" + "x".repeat(65), TYPES)).isNull();
    assertThat(References.parse("Patient/a b", TYPES)).isNull();
  }

  @Test
  void aLongUrlIsBoundedLikeEveryIndexEntry() {
    String url = "http://x.org/" + "p".repeat(SearchStrings.MAX_LENGTH);

    assertThat(References.canonical(url).url()).hasSize(SearchStrings.MAX_LENGTH);
  }

  @Test
  void theScanOfARelativeReferenceReadsWhatTheRegularExpressionItReplacesRead() {
    // The expression References read relative references with before: the scan must read exactly the same.
    Pattern relative = Pattern.compile("([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/([A-Za-z0-9\\-.]{1,64}))?");
    List<String> references = Strings.joined(List.of("Patient", "P", "p", "/", "/_history/", "_history", "1", "a-1.b",
        "x".repeat(64), "\u00e9", " ", "#", "http://x.org/", "|2"), 4);

    for (String reference : references) {
      Matcher matcher = relative.matcher(reference);
      References.Relative expected = matcher.matches()
          ? new References.Relative(matcher.group(1), matcher.group(2), matcher.group(4)) : null;

      assertThat(References.relative(reference)).as(reference).isEqualTo(expected);
    }
    assertThat(references).hasSizeGreaterThan(40_000);
  }
}
