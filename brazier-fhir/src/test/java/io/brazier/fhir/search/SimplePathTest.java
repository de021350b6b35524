package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.fhir.Fhir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class SimplePathTest {
  private static final Fhir FHIR = new Fhir(false);
  private static final FhirPath FHIR_PATH = new FhirPath(FHIR);
  private static final SearchParameters PARAMS = new SearchParameters(FHIR, FHIR_PATH);

  @Test
  void everyParameterOnTheSyntheaSampleSelectsWhatHapisEngineSelects() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int compared = 0;
    for (Resource resource : sample()) {
      for (SearchParam param : PARAMS.forType(resource.fhirType())) {
        if (!param.isIndexed()) {
          continue;
        }
        for (Base item : compare(resource, resource, param.expression(), mismatches)) {
          for (SearchParam.Component component : param.components()) {
            compare(resource, item, component.expression(), mismatches);
          }
        }
        compared++;
      }
    }

    assertThat(compared).isGreaterThan(5_000);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void nearlyEveryTermOfTheR4ParametersIsASimplePath() {
    int terms = 0;
    int simple = 0;
    for (String type : FHIR.context().getResourceTypes()) {
      for (SearchParam param : PARAMS.forType(type)) {
        for (String term : param.isIndexed() ? Expressions.terms(param.expression()) : List.<String>of()) {
          terms++;
          simple += FHIR_PATH.terms(term).get(0) instanceof SimplePath ? 1 : 0;
        }
      }
    }

    assertThat(simple).isGreaterThan(terms * 95 / 100);
  }

  @Test
  void whereOnAChildsValueKeepsTheItemsThatMatch() {
    Patient patient = new Patient();
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("555");
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("a@b");

    assertSame(patient, patient, "Patient.telecom.where(system='email')", 1);
  }

  @Test
  void resolveNamesTheTypeOfLiteralAndContainedReferences() {
    Observation observation = new Observation();
    Patient contained = new Patient();
    contained.setId("p1");
    observation.addContained(contained);
    observation.setSubject(new Reference("#p1"));
    observation.addPerformer(new Reference("http://example.org/fhir/Patient/9"));
    observation.addPerformer(new Reference("Practitioner/3"));
    observation.addPerformer(new Reference().setDisplay("no reference"));

    assertSame(observation, observation, "Observation.subject.where(resolve() is Patient)", 1);
    assertSame(observation, observation, "Observation.performer.where(resolve() is Patient)", 1);
    assertSame(observation, observation, "Observation.performer.where(resolve() is Practitioner)", 1);
  }

  @Test
  void typeFiltersFollowTheEnginesTypeHierarchy() {
    Observation observation = new Observation();
    observation.addComponent().setValue(new Quantity(120));
    observation.addComponent().setValue(new Quantity(80));
    observation.setStatus(Observation.ObservationStatus.FINAL);
    Condition condition = new Condition().setOnset(new Age().setValue(3));

    assertSame(observation, observation, "(Observation.component.value as Quantity)", 2);
    assertSame(observation, observation, "Observation.component.value.ofType(Quantity)", 2);
    assertSame(observation, observation, "Observation.status.as(code)", 1);
    assertSame(observation, observation, "Observation.status.as(string)", 0);
    assertSame(observation, observation, "(Observation.value as Quantity)", 0);
    assertSame(condition, condition, "Condition.onset.as(Quantity)", 1);
    assertSame(condition, condition, "(Condition.onset as Quantity)", 0);
  }

  private static void assertSame(Resource root, Base focus, String expression, int size) {
    List<String> mismatches = new ArrayList<>();
    assertThat(FHIR_PATH.terms(expression).get(0)).isInstanceOf(SimplePath.class);
    assertThat(compare(root, focus, expression, mismatches)).hasSize(size);
    assertThat(mismatches).isEmpty();
  }

  /** Evaluates both ways, notes any difference, and returns the engine's values. */
  private static List<Base> compare(Resource root, Base focus, String expression, List<String> mismatches) {
    List<Base> expected = new ArrayList<>();
    List<Base> actual = new ArrayList<>();
    for (String term : Expressions.terms(expression)) {
      expected.addAll(FHIR_PATH.evaluate(root, focus, FHIR_PATH.parse(term.trim())));
    }
    FHIR_PATH.terms(expression).forEach(term -> actual.addAll(term.evaluate(root, focus)));
    if (!sameItems(expected, actual)) {
      mismatches.add(root.fhirType() + "/" + root.getIdElement().getIdPart() + " " + expression + ": engine "
          + expected.size() + " values, simple path " + actual.size());
    }
    return expected;
  }

  private static boolean sameItems(List<Base> expected, List<Base> actual) {
    if (expected.size() != actual.size()) {
      return false;
    }
    for (int i = 0; i < expected.size(); i++) {
      // The engine hands out copies of some values (ids, computed booleans): equal, not the same objects.
      if (expected.get(i) != actual.get(i) && !expected.get(i).equalsDeep(actual.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static List<Resource> sample() throws IOException {
    List<Resource> resources = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        SimplePathTest.class.getResourceAsStream("/synthea/sample.ndjson.gz")), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        resources.add((Resource) FHIR.jsonParser().parseResource(line));
      }
    }
    return resources;
  }
}
