package io.brazier.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.Compartments;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The message key of a write: the patient whose compartment the resource is in ({@code Patient/7}), so that one
 * patient's messages share a partition and keep their order, or the resource's own {@code Type/id} when it is in no
 * patient's compartment. The compartment's parameters come from R4's Patient CompartmentDefinition; every one of
 * them is a path of elements, with a {@code where(resolve() is Patient)} at most, so the JSON is walked directly
 * (no parse) for references to a Patient. Parameters named {@code patient}, then {@code subject}, are tried first: a
 * performer or author that is a patient is the key only of a resource that has no patient of its own.
 * https://hl7.org/fhir/R4/compartmentdefinition-patient.html
 */
final class PatientKeys {
  private static final Pattern PATIENT_REFERENCE =
      Pattern.compile("(?:.*/)?Patient/([A-Za-z0-9\\-.]{1,64})(?:/_history/[A-Za-z0-9\\-.]{1,64})?");
  private static final String WHERE_PATIENT = ".where(resolve() is Patient)";

  /** For each type in the compartment, the element paths of its parameters, in the order they are tried. */
  private final Map<String, List<List<String>>> paths = new HashMap<>();

  PatientKeys(Fhir fhir) {
    new Compartments().params("Patient").forEach((type, params) -> {
      List<List<String>> typePaths = new ArrayList<>();
      params.stream().sorted(Comparator.comparingInt(PatientKeys::rank)).forEach(param ->
          typePaths.addAll(paths(type, fhir.definition(type).getSearchParam(param).getPath())));
      paths.put(type, typePaths);
    });
  }

  private static int rank(String param) {
    return switch (param) {
      case "patient" -> 0;
      case "subject" -> 1;
      default -> 2;
    };
  }

  /** {@code Observation.subject.where(resolve() is Patient) | Observation.focus} as [[subject], [focus]]. */
  private static List<List<String>> paths(String type, String expression) {
    List<List<String>> paths = new ArrayList<>();
    for (String term : expression.split("\\|")) {
      String path = term.trim();
      if (path.endsWith(WHERE_PATIENT)) {
        path = path.substring(0, path.length() - WHERE_PATIENT.length());
      }
      if (path.startsWith(type + ".") && path.matches("[A-Za-z.]+")) {
        paths.add(List.of(path.substring(type.length() + 1).split("\\.")));
      }
    }
    return paths;
  }

  /** The root elements a key is read from: the first step of every path. */
  Set<String> elements() {
    Set<String> names = new HashSet<>();
    paths.values().forEach(typePaths -> typePaths.forEach(path -> names.add(path.get(0))));
    return names;
  }

  /** The key of a write of {@code type/id}, whose version (or last version, for a deletion) is {@code resource}. */
  String key(String type, String id, JsonNode resource) {
    if (type.equals("Patient")) {
      return "Patient/" + id;
    }
    if (resource != null) {
      for (List<String> path : paths.getOrDefault(type, List.of())) {
        String patient = patient(resource, path, 0);
        if (patient != null) {
          return "Patient/" + patient;
        }
      }
    }
    return type + "/" + id;
  }

  /** The id of the first Patient referred to at {@code path} below {@code node}, or null. */
  private static String patient(JsonNode node, List<String> path, int step) {
    if (node.isArray()) {
      for (JsonNode item : node) {
        String found = patient(item, path, step);
        if (found != null) {
          return found;
        }
      }
      return null;
    }
    if (step == path.size()) {
      Matcher reference = PATIENT_REFERENCE.matcher(node.path("reference").asText(""));
      return reference.matches() ? reference.group(1) : null;
    }
    JsonNode next = node.get(path.get(step));
    return next == null ? null : patient(next, path, step + 1);
  }
}
