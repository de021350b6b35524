package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.Strings;
import io.brazier.testkit.Parallel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class FhirPathTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final FhirPath FHIR_PATH = new FhirPath(FHIR);
  private static final String SUBJECT_IS_PATIENT = "Observation.subject.where(resolve() is Patient)";

  @Test
  void resolveNamesTheTypeOfRelativeAbsoluteAndVersionedReferences() {
    for (String reference : List.of("Patient/p1", "https://other.example/fhir/Patient/p1",
        "Patient/p1/_history/3", "https://other.example/fhir/Patient/a.b-c/_history/7")) {
      Resource observation = observation(reference, "");

      assertThat(references(observation, SUBJECT_IS_PATIENT)).as(reference).containsExactly(reference);
    }
  }

  @Test
  void theScanOfAReferencesTypeReadsWhatTheRegularExpressionItReplacesRead() {
    // The expression resolve() read a reference's type with before: the scan must read exactly the same.
    Pattern local = Pattern.compile("(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?");
    List<String> references = Strings.joined(List.of("Patient", "P", "p", "/", "/_history/", "1", "a-1.b",
        "x".repeat(65), "\n", "\u2028", " ", "http://x.org/", ":"), 4);

    for (String reference : references) {
      Matcher matcher = local.matcher(reference);

      assertThat(FhirPath.typeOf(reference)).as(reference).isEqualTo(matcher.matches() ? matcher.group(1) : null);
    }
    assertThat(references).hasSizeGreaterThan(30_000);
  }

  @Test
  void referencesToOtherTypesToUnknownTypesAndToNoTypeResolveToNoPatient() {
    for (String reference : List.of("Group/g1", "patient/p1", "Robot/r1", "Patient", "Patient/" + "x".repeat(65),
        "urn:uuid:0b7a3a4c-1c9d-4a0e-9b7e-2f1c9a1d3e5f")) {
      Resource observation = observation(reference, "");

      assertThat(references(observation, SUBJECT_IS_PATIENT)).as(reference).isEmpty();
    }
  }

  @Test
  void aReferenceToAContainedResourceResolvesToThatResourcesType() {
    Resource toPatient = observation("#p1", ",\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"p1\"}]");
    Resource toGroup = observation("#g1", ",\"contained\":[{\"resourceType\":\"Group\",\"id\":\"g1\","
        + "\"type\":\"person\",\"actual\":true}]");

    assertThat(references(toPatient, SUBJECT_IS_PATIENT)).containsExactly("#p1");
    assertThat(references(toGroup, SUBJECT_IS_PATIENT)).isEmpty();
    assertThat(references(toGroup, "Observation.subject.where(resolve() is Group)")).containsExactly("#g1");
  }

  @Test
  void anExpressionThatIsNotFhirPathIsRefusedSayingWhich() {
    assertThatThrownBy(() -> FHIR_PATH.parse("Patient.name.where("))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Patient.name.where('");
    assertThatThrownBy(() -> FHIR_PATH.terms("Patient.name | Patient.(("))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid FHIRPath expression");
  }

  @Test
  void typesNameWhatAnExpressionGivesAndRefuseAnElementItsFocusLacks() {
    assertThat(FHIR_PATH.types("Patient", null, "name.where(use='official').family").getTypes())
        .containsExactly("http://hl7.org/fhir/StructureDefinition/string");
    assertThatThrownBy(() -> FHIR_PATH.types("Patient", null, "birthdate"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'birthdate' does not fit Patient: The name 'birthdate' is not valid");

    TypeDetails participants = FHIR_PATH.types("CareTeam", null, "participant");
    assertThat(FHIR_PATH.types("CareTeam", participants, "member.reference | %resource.status").getTypes())
        .containsExactlyInAnyOrder("http://hl7.org/fhir/StructureDefinition/string",
            "http://hl7.org/fhir/StructureDefinition/code");
    assertThatThrownBy(() -> FHIR_PATH.types("CareTeam", participants, "membr"))
        .hasMessageContaining("The name 'membr' is not valid for any of the possible types: [http://hl7.org/fhir/"
            + "StructureDefinition/CareTeam#CareTeam.participant]");
  }

  @Test
  void theTermsOfAUnionAreEvaluatedApartKeepingDuplicates() {
    Resource patient = FHIR.parse(Format.JSON, """
        {"resourceType":"Patient","name":[{"family":"Ström","given":["Ann"]}],
         "contact":[{"name":{"family":"Ström"}}]}""".getBytes(StandardCharsets.UTF_8));

    List<FhirPath.Term> terms = FHIR_PATH.terms("Patient.name.family | Patient.contact.name.family | ");

    assertThat(terms).hasSize(2);
    assertThat(terms.stream().flatMap(term -> term.evaluate(patient, patient).stream()).map(Base::primitiveValue))
        .containsExactly("Ström", "Ström");
  }

  /**
   * A substring with a negative length, on a name long enough, makes HAPI's engine throw what Java's String does (a
   * StringIndexOutOfBoundsException), not a FHIRException: the expression's failure all the same, said as one.
   */
  @Test
  void anExpressionThatMakesTheEngineThrowAnyExceptionFailsAsTheExpressionsFailure() {
    Resource patient = FHIR.parse(Format.JSON, """
        {"resourceType":"Patient","name":[{"given":["Ann"]}]}""".getBytes(StandardCharsets.UTF_8));
    FhirPath.Term term = FHIR_PATH.terms("name.given.first().substring(1, -1)").get(0);

    assertThatThrownBy(() -> term.evaluate(patient, patient)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("FHIRPath ")
        .hasMessageContaining(" failed on Patient: StringIndexOutOfBoundsException: ")
        .hasCauseInstanceOf(StringIndexOutOfBoundsException.class);
  }

  /** Requests index and search on many threads: each evaluation sees its own resource, however many run at once. */
  @Test
  void threadsEvaluatingAtOnceEachGetTheirOwnResourcesValues() throws Exception {
    int threads = 8;
    List<Resource> observations = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      observations.add(observation("Patient/p" + t, ""));
    }

    Parallel.Run<Evaluated> run = Parallel.run(threads, 50, (thread, step) -> {
      Resource observation = observations.get(thread);
      return new Evaluated("Patient/p" + thread, FHIR_PATH.evaluate(observation, observation,
          FHIR_PATH.parse(SUBJECT_IS_PATIENT)).stream().map(base -> ((Reference) base).getReference()).toList());
    });

    assertThat(run.results()).hasSize(threads * 50)
        .allSatisfy(evaluated -> assertThat(evaluated.references()).containsExactly(evaluated.own()));
    assertThat(run.mostAtOnce()).as("evaluations overlapped").isGreaterThan(1);
  }

  /** What one evaluation of a thread's own observation, which refers to {@code own}, selected. */
  private record Evaluated(String own, List<String> references) {}

  /**
   * The references {@code expression} selects, walked both ways: by {@link SimplePath} (as indexing does) and by
   * HAPI's engine (as any other shape is); both must agree.
   */
  private static List<String> references(Resource root, String expression) {
    List<String> walked = FHIR_PATH.terms(expression).get(0).evaluate(root, root).stream()
        .map(base -> ((Reference) base).getReference()).toList();
    List<String> evaluated = FHIR_PATH.evaluate(root, root, FHIR_PATH.parse(expression)).stream()
        .map(base -> ((Reference) base).getReference()).toList();
    assertThat(walked).as("SimplePath and HAPI's engine agree on " + expression).isEqualTo(evaluated);
    return walked;
  }

  /** An Observation as a server reads it, from JSON, its subject {@code reference}. */
  private static Resource observation(String reference, String more) {
    return FHIR.parse(Format.JSON, ("{\"resourceType\":\"Observation\",\"status\":\"final\","
        + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"" + reference + "\"}" + more + "}")
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void expressionsAsLongAsR4sOwnPass() {
    String union = String.join(" | ", java.util.Collections.nCopies(44,
        "AllergyIntolerance.patient.where(resolve() is Patient)"));

    assertThatCode(() -> FhirPath.checkNesting(union)).doesNotThrowAnyException();
    assertThatCode(() -> FhirPath.checkNesting("Patient" + ".name".repeat(5000))).doesNotThrowAnyException();
  }

  @Test
  void expressionsThatWouldOverflowTheParsersStackAreRefused() {
    assertThatThrownBy(() -> FhirPath.checkNesting("Patient.name" + ".where(true)".repeat(FhirPath.MAX_CALLS + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FhirPath.checkNesting("(".repeat(FhirPath.MAX_DEPTH + 1) + "Patient"
        + ")".repeat(FhirPath.MAX_DEPTH + 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FhirPath.checkNesting("Patient.name" + "[0]".repeat(FhirPath.MAX_CALLS + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
