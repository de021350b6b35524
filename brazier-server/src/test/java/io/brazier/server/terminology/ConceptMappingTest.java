package io.brazier.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.brazier.server.terminology.ConceptMapping.Match;
import io.brazier.server.terminology.ConceptMapping.Request;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupUnmappedMode;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;

/**
 * What one ConceptMap translates a coding to, forwards and reversed, with the group's unmapped rule.
 * https://hl7.org/fhir/R4/conceptmap.html and https://hl7.org/fhir/R4/conceptmap-operation-translate.html
 */
class ConceptMappingTest {
  private static final String MAP_URL = "http://example.org/ConceptMap/local-to-snomed";
  private static final String LOCAL = "http://example.org/local";
  private static final String SNOMED = "http://snomed.info/sct";
  private static final String LOINC = "http://loinc.org";

  @Test
  void aCodeTranslatesToEachTargetOfItsElementWithTheGroupsSystemAndVersion() {
    List<Match> matches = mapping(map()).translate(forwards("flu"));

    assertThat(matches).singleElement().satisfies(match -> {
      assertThat(match.equivalence()).isEqualTo(ConceptMapEquivalence.EQUIVALENT);
      assertThat(match.concept().getSystem()).isEqualTo(SNOMED);
      assertThat(match.concept().getVersion()).isEqualTo("2024-09");
      assertThat(match.concept().getCode()).isEqualTo("6142004");
      assertThat(match.concept().getDisplay()).isEqualTo("Influenza");
      assertThat(match.source()).isEqualTo(MAP_URL);
      assertThat(match.translates()).isTrue();
    });
  }

  @Test
  void aGroupForAnotherSourceSystemDoesNotApply() {
    Request request = new Request(new Coding(LOINC, "flu", null), null, null, false);

    assertThat(mapping(map()).translate(request)).isEmpty();
  }

  @Test
  void aTargetSystemChoosesTheGroupsThatMapIntoIt() {
    ConceptMap map = map();
    map.addGroup().setSource(LOCAL).setTarget(LOINC).addElement().setCode("flu").addTarget().setCode("LA-1")
        .setEquivalence(ConceptMapEquivalence.RELATEDTO);

    List<Match> any = mapping(map).translate(forwards("flu"));
    List<Match> intoLoinc = mapping(map).translate(new Request(new Coding(LOCAL, "flu", null), null, LOINC, false));

    assertThat(any).extracting(match -> match.concept().getCode()).containsExactly("6142004", "LA-1");
    assertThat(intoLoinc).extracting(match -> match.concept().getCode()).containsExactly("LA-1");
  }

  @Test
  void aVersionOfTheSourceSystemMustAgreeWithTheGroups() {
    ConceptMap map = map();
    map.getGroupFirstRep().setSourceVersion("2");

    assertThat(mapping(map).translate(new Request(new Coding(LOCAL, "flu", null), "1", null, false))).isEmpty();
    assertThat(mapping(map).translate(new Request(new Coding(LOCAL, "flu", null), "2", null, false))).hasSize(1);
  }

  @Test
  void aTargetWithoutACodeSaysThereIsNoTranslation() {
    ConceptMap map = map();
    map.getGroupFirstRep().addElement().setCode("cold").addTarget()
        .setEquivalence(ConceptMapEquivalence.UNMATCHED).setComment("no SNOMED concept is as vague");

    Match match = mapping(map).translate(forwards("cold")).get(0);

    assertThat(match.equivalence()).isEqualTo(ConceptMapEquivalence.UNMATCHED);
    assertThat(match.concept()).isNull();
    assertThat(match.translates()).isFalse();
  }

  @Test
  void aDisjointTargetIsNoTranslationEither() {
    ConceptMap map = map();
    map.getGroupFirstRep().addElement().setCode("cold").addTarget().setCode("6142004")
        .setEquivalence(ConceptMapEquivalence.DISJOINT);

    assertThat(mapping(map).translate(forwards("cold"))).singleElement()
        .satisfies(match -> assertThat(match.translates()).isFalse());
  }

  @Test
  void reversedTheCodesThatMapToTheCodeAnswerWithTheEquivalenceTurned() {
    ConceptMap map = map();
    map.getGroupFirstRep().addElement().setCode("flu-a").setDisplay("Influenza A").addTarget().setCode("6142004")
        .setEquivalence(ConceptMapEquivalence.WIDER);

    List<Match> matches = mapping(map).translate(new Request(new Coding(SNOMED, "6142004", null), null, null, true));

    assertThat(matches).extracting(match -> match.concept().getCode(), Match::equivalence).containsExactly(
        tuple("flu", ConceptMapEquivalence.EQUIVALENT),
        tuple("flu-a", ConceptMapEquivalence.NARROWER));
    assertThat(matches.get(1).concept().getSystem()).isEqualTo(LOCAL);
    assertThat(matches.get(1).concept().getDisplay()).isEqualTo("Influenza A");
  }

  @Test
  void anUnmappedCodeProvidedIsKeptAsItIs() {
    ConceptMap map = map();
    map.getGroupFirstRep().getUnmapped().setMode(ConceptMapGroupUnmappedMode.PROVIDED);

    List<Match> matches = mapping(map).translate(forwards("headache"));

    assertThat(matches).singleElement().satisfies(match -> {
      assertThat(match.equivalence()).isEqualTo(ConceptMapEquivalence.EQUAL);
      assertThat(match.concept().getSystem()).isEqualTo(LOCAL);
      assertThat(match.concept().getCode()).isEqualTo("headache");
    });
  }

  @Test
  void anUnmappedCodeFixedMapsToTheFixedCode() {
    ConceptMap map = map();
    map.getGroupFirstRep().getUnmapped().setMode(ConceptMapGroupUnmappedMode.FIXED).setCode("261665006")
        .setDisplay("Unknown");

    List<Match> matches = mapping(map).translate(forwards("headache"));

    assertThat(matches).singleElement().satisfies(match -> {
      assertThat(match.equivalence()).isEqualTo(ConceptMapEquivalence.INEXACT);
      assertThat(match.concept().getSystem()).isEqualTo(SNOMED);
      assertThat(match.concept().getCode()).isEqualTo("261665006");
    });
  }

  @Test
  void theUnmappedRuleIsNotForMappedCodesNorForReversedRequests() {
    ConceptMap map = map();
    map.getGroupFirstRep().getUnmapped().setMode(ConceptMapGroupUnmappedMode.PROVIDED);

    assertThat(mapping(map).translate(forwards("flu"))).singleElement()
        .satisfies(match -> assertThat(match.concept().getCode()).isEqualTo("6142004"));
    assertThat(mapping(map).translate(new Request(new Coding(SNOMED, "1", null), null, null, true))).isEmpty();
  }

  @Test
  void aMapIsBetweenTheValueSetsItNamesOrAnyWhenItNamesNone() {
    ConceptMap map = map().setSource(new UriType("http://example.org/vs/local"))
        .setTarget(new UriType("http://example.org/vs/snomed"));

    assertThat(mapping(map).between("http://example.org/vs/local", "http://example.org/vs/snomed", false)).isTrue();
    assertThat(mapping(map).between("http://example.org/vs/snomed", null, false)).isFalse();
    assertThat(mapping(map).between("http://example.org/vs/snomed", "http://example.org/vs/local", true)).isTrue();
    assertThat(mapping(map()).between("http://example.org/vs/any", "http://example.org/vs/other", false)).isTrue();
  }

  private static Request forwards(String code) {
    return new Request(new Coding(LOCAL, code, null), null, null, false);
  }

  private static ConceptMapping mapping(ConceptMap map) {
    return new ConceptMapping(map);
  }

  /** local flu maps to SNOMED 6142004 Influenza, version 2024-09. */
  private static ConceptMap map() {
    ConceptMap map = new ConceptMap().setUrl(MAP_URL);
    ConceptMapGroupComponent group = map.addGroup().setSource(LOCAL).setTarget(SNOMED).setTargetVersion("2024-09");
    group.addElement().setCode("flu").setDisplay("Flu").addTarget().setCode("6142004").setDisplay("Influenza")
        .setEquivalence(ConceptMapEquivalence.EQUIVALENT);
    return map;
  }
}
