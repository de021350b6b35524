package io.brazier.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.QueryParser;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.fhir.search.Terminology;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a scan as of a sequence accepts, checked when it is made so that an export refuses a request before it starts:
 * criteria of its own type decided on each version alone, however they are nested (an export's several
 * {@code _typeFilter}s are alternatives of sets of criteria).
 */
class AsOfScanTest {
  private static final FhirSearch SEARCH = new FhirSearch(new Fhir(false));

  @Test
  void aNegativeSequenceOrAPageOfNothingIsRefused() {
    assertThatThrownBy(() -> AsOfScan.of("Patient", -1, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> AsOfScan.of("Patient", 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one");
  }

  @Test
  void includesReverseIncludesAndContainedResourcesAreRefused() {
    for (String query : List.of("_include=Condition:subject", "_revinclude=Provenance:target")) {
      assertThatThrownBy(() -> new AsOfScan("Condition", 0, parse("Condition", query), null, 10)).as(query)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_include");
    }
    SearchQuery contained = parse("Condition", "code=x").withContained(SearchQuery.Contained.BOTH);

    assertThatThrownBy(() -> new AsOfScan("Condition", 0, contained, null, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("_contained");
  }

  @Test
  void aChainIsRefusedInsideAlternativesSetsOfCriteriaAndNegations() {
    Criterion chain = parse("Condition", "subject:Patient.name=x").criteria().get(0);
    Criterion code = parse("Condition", "code=x").criteria().get(0);
    List<Criterion> nested = List.of(
        new Criterion.AnyOf(List.of(new Criterion.AllOf(List.of(code)), new Criterion.AllOf(List.of(code, chain)))),
        new Criterion.Not(chain),
        new Criterion.AllOf(List.of(new Criterion.Not(new Criterion.AnyOf(List.of(chain))))));

    for (Criterion criterion : nested) {
      assertThatThrownBy(() -> new AsOfScan("Condition", 0, SearchQuery.of(List.of("Condition"),
          List.of(criterion)), null, 10)).as(criterion.toString()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot be decided as of a past point");
    }
  }

  @Test
  void alternativesOfCriteriaOnTheVersionsAloneAreAccepted() {
    Criterion code = parse("Condition", "code=x").criteria().get(0);
    Criterion subject = parse("Condition", "subject=Patient/1").criteria().get(0);
    SearchQuery filters = SearchQuery.of(List.of("Condition"), List.of(new Criterion.AnyOf(List.of(
        new Criterion.AllOf(List.of(code)), new Criterion.AllOf(List.of(subject, new Criterion.Not(code)))))));

    AsOfScan scan = new AsOfScan("Condition", 7, filters, null, 10);

    assertThat(scan.query()).isEqualTo(filters);
  }

  @Test
  void resumingAfterACursorKeepsEverythingElse() {
    AsOfScan scan = new AsOfScan("Condition", 7, parse("Condition", "code=x"), null, 25);
    ScanCursor cursor = new ScanCursor(Instant.parse("2026-12-06T08:00:00Z"), 42);

    AsOfScan resumed = scan.after(cursor);

    assertThat(resumed).isEqualTo(new AsOfScan("Condition", 7, scan.query(), cursor, 25));
  }

  @Test
  void keepingAScanToPatientCompartmentsAddsToItsCriteria() {
    AsOfScan withCriteria = new AsOfScan("Condition", 7, parse("Condition", "code=x"), null, 10);

    AsOfScan kept = withCriteria.inPatientCompartments(List.of("p1", "p2"), SEARCH.compartments());
    AsOfScan bare = AsOfScan.of("Condition", 7, 10).inPatientCompartments(List.of("p1"), SEARCH.compartments());

    assertThat(kept.query().criteria()).hasSize(2).startsWith(withCriteria.query().criteria().get(0));
    assertThat(kept.query().criteria().get(1)).isInstanceOfSatisfying(Criterion.InCompartment.class, compartment -> {
      assertThat(compartment.compartmentType()).isEqualTo("Patient");
      assertThat(compartment.ids()).containsExactly("p1", "p2");
      assertThat(compartment.paramsByType().get("Condition")).contains("patient");
    });
    assertThat(bare.query().types()).containsExactly("Condition");
    assertThat(bare.query().criteria()).singleElement().isInstanceOf(Criterion.InCompartment.class);
  }

  private static SearchQuery parse(String type, String query) {
    return SEARCH.parser().parse(List.of(type), TestStore.params(query),
        new QueryParser.Options(true, "http://localhost/fhir", Terminology.NONE));
  }
}
