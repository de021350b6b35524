package io.brazier.loader.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.ExportSetting;
import io.brazier.loader.PatientExport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patients an export's query gives, each once: a Patient's id ({@code --patient-field id}), the patient a field
 * of another type refers to ({@code subscriber}, {@code subject}, a dotted path such as {@code beneficiary}), or a
 * Group's active members, those of the Groups among them too. Resources of other types (a query's
 * {@code _include}s) are passed over.
 */
final class PatientIds {
  private static final Pattern MEMBER =
      Pattern.compile("(?:^|/)(Patient|Group)/([A-Za-z0-9\\-.]{1,64})(?:/_history/.*)?$");
  private static final String GROUPS = "Group?_id=";

  private final Set<String> ids = new LinkedHashSet<>();
  private final Set<String> groupsSeen = new HashSet<>();
  /** The Groups among the members not read yet, each with the Group that lists it. */
  private final Map<String, String> nested = new LinkedHashMap<>();

  /** The patients, and the nested Groups the server does not have (their members could not be exported). */
  record Patients(List<String> ids, List<String> missingGroups) {}

  /** @throws ExportSetting.Invalid when the query returns another type than Patient and the field is id */
  static Patients of(Pages pages, PatientExport request, int baseLength) throws SearchFailed, IOException {
    PatientIds found = new PatientIds();
    String type = PatientExport.typeOf(request.query());
    pages.follow(request.query(), page -> page.forEach(resource -> found.collect(resource, type,
        request.patientField())));
    List<String> missing = found.expandNested(pages, request.batchSize(),
        request.maxUrl() - baseLength - GROUPS.length());
    return new Patients(List.copyOf(found.ids), missing);
  }

  Set<String> ids() {
    return ids;
  }

  void collect(ObjectNode resource, String queryType, String field) {
    String type = resource.path("resourceType").asText();
    if (type.equals("Group")) {
      collectMembers(resource);
    } else if (!type.equals(queryType)) {
      return;
    } else if (field.equals("id")) {
      if (!type.equals("Patient")) {
        throw new ExportSetting.Invalid(name -> "The query returns " + type + ", not Patient: give "
            + name.apply(ExportSetting.PATIENT_FIELD) + ", the field of " + type + " that refers to the patient (such"
            + " as subscriber, beneficiary or subject)");
      }
      ids.add(resource.path("id").asText());
    } else {
      List<JsonNode> values = new ArrayList<>();
      walk(resource, field.split("\\."), 0, values);
      values.forEach(value -> addPatient(value.path("reference").asText()));
    }
  }

  /**
   * A Group's active members (inactive ones are no longer in it, as Group/[id]/$export has it): patients, and Groups
   * to read next, each Group once so that a cycle ends.
   */
  private void collectMembers(ObjectNode group) {
    String id = group.path("id").asText();
    groupsSeen.add(id);
    nested.remove(id);
    for (JsonNode member : group.path("member")) {
      Matcher matcher = MEMBER.matcher(member.path("entity").path("reference").asText());
      if (member.path("inactive").asBoolean(false) || !matcher.find()) {
        continue;
      }
      if (matcher.group(1).equals("Patient")) {
        ids.add(matcher.group(2));
      } else if (groupsSeen.add(matcher.group(2))) {
        nested.put(matcher.group(2), id);
      }
    }
  }

  /**
   * Reads the Groups among the members level by level through the search API ({@code Group?_id=a,b}, the ids in
   * batches as the include searches have them), as the server's Group export expands them.
   *
   * @return what to report of each nested Group that is not on the server
   */
  List<String> expandNested(Pages pages, int batchSize, int room) throws SearchFailed, IOException {
    List<String> missing = new ArrayList<>();
    while (!nested.isEmpty()) {
      Map<String, String> level = new LinkedHashMap<>(nested);
      nested.clear();
      Set<String> read = new HashSet<>();
      for (String batch : Batches.batches(List.copyOf(level.keySet()), batchSize, room)) {
        pages.follow(GROUPS + batch, page -> page.forEach(group -> {
          read.add(group.path("id").asText());
          collectMembers(group);
        }));
      }
      level.forEach((group, parent) -> {
        if (!read.contains(group)) {
          missing.add("Group/" + group + ", a member of Group/" + parent + ", was not found on the server: its"
              + " members are not exported.");
        }
      });
    }
    return missing;
  }

  /** The values at a dotted path, arrays on the way flattened. */
  private static void walk(JsonNode node, String[] path, int depth, List<JsonNode> values) {
    if (node.isArray()) {
      node.forEach(element -> walk(element, path, depth, values));
    } else if (depth == path.length) {
      values.add(node);
    } else if (node.has(path[depth])) {
      walk(node.get(path[depth]), path, depth + 1, values);
    }
  }

  private void addPatient(String reference) {
    Matcher matcher = MEMBER.matcher(reference);
    if (matcher.find() && matcher.group(1).equals("Patient")) {
      ids.add(matcher.group(2));
    }
  }
}
