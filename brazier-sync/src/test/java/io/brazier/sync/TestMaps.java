package io.brazier.sync;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapLoader;
import io.brazier.sync.map.MapReader;
import io.brazier.sync.map.MapSet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Person;

/** The maps of the sync tests: the built-in set, or a set read from JSON text as the files it names would be. */
public final class TestMaps {
  private static final Fhir FHIR = new Fhir(false);
  private static final MapReader READER = new MapReader(FHIR, new FhirPath(FHIR));
  /** Read once per test JVM: a set is immutable. */
  private static final MapSet BUILT_IN = new MapLoader(READER).load(MapLoader.builtIn());
  /** The map of a patient's identifiers, rows of {@code msemr_medicalidentifier} under the patient's contact. */
  public static final String IDENTIFIER = """
      {"resource": "Patient", "table": "msemr_medicalidentifier", "parentLink": "msemr_patient",
       "attributes": [{"column": "msemr_value", "path": "value"}]}""";
  private static final String PATIENT = """
      {"resource": "Patient", "table": "contact", %s "attributes": [
        {"column": "lastname", "path": "name.family.first()"},
        {"action": "expand", "path": "identifier", "map": "identifier"}]}""";

  private static final String PERSON = """
      {"resource": "Person", "table": "person", %s "attributes": [{"column": "lastname", "path": "name.family"},
        {"column": "birthdate", "path": "birthDate", "type": "date"},
        {"column": "nickname", "path": "name.given.first().substring(1, -1)"}]}""";
  /** How a map error names {@link #person}'s nickname, after the resource it failed on. */
  public static final String NICKNAME =
      "person.json attributes[2] (nickname, path name.given.first().substring(1, -1))";

  private TestMaps() {}

  /** The maps the agent ships with. */
  public static MapSet builtIn() {
    return BUILT_IN;
  }

  /**
   * The map of patients to {@code contact} rows (their last name, their identifiers expanded by {@link #IDENTIFIER}),
   * with {@code options}, fields each followed by a comma ({@code "writeBack": true,}), before its attributes.
   */
  public static String patient(String options) {
    return PATIENT.formatted(options);
  }

  /**
   * The map of persons to {@code person} rows (their last name, birth date and a nickname), with {@code options} as in
   * {@link #patient}. Its nickname's path is a map author's mistake that loading accepts (a negative length, as if
   * substring took an end): on a given name of two letters or more, HAPI's FHIRPath engine throws a
   * StringIndexOutOfBoundsException, the map's error ({@link #unmappablePerson}, named by {@link #NICKNAME}). No
   * built-in map syncs Person, so these failures trouble no other test's agent.
   */
  public static String person(String options) {
    return PERSON.formatted(options);
  }

  /** A person {@link #person}'s nickname fails on: one with a given name. */
  public static Person unmappablePerson(String family) {
    return new Person().addName(new HumanName().setFamily(family).addGiven("Unmappable"));
  }

  /** The set of {@link #patient} with {@code options} and {@link #IDENTIFIER}, named as their tests name them. */
  public static MapSet patients(String options) {
    return of("patient", patient(options), "identifier", IDENTIFIER);
  }

  /** The set of the maps given as pairs of name and JSON text, each read as the file {@code name.json}. */
  public static MapSet of(String... namesAndMaps) {
    List<EntityMap> read = new ArrayList<>();
    for (int i = 0; i < namesAndMaps.length; i += 2) {
      read.add(READER.read(namesAndMaps[i] + ".json", namesAndMaps[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return MapSet.of("test", read);
  }
}
