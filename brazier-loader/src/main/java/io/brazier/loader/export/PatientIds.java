package io.brazier.loader.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.ExportSetting;
import io.brazier.loader.PatientExport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The patients an export's query gives, each once: a Patient's id ({@code --patient-field id}), the patient a field
 * of another type refers to ({@code subscriber}, {@code subject}, a dotted path such as {@code beneficiary}), or a
 * Group's active members. Resources of other types (a query's {@code _include}s) are passed over.
 */
final class PatientIds {
  private static final Pattern PATIENT = Pattern.compile("(?:^|/)Patient/([A-Za-z0-9\\-.]{1,64})(?:/_history/.*)?$");

  private PatientIds() {}

  /** @throws ExportSetting.Invalid when the query returns another type than Patient and the field is id */
  static List<String> of(Pages pages, PatientExport request) throws SearchFailed, IOException {
    Set<String> ids = new LinkedHashSet<>();
    String type = PatientExport.typeOf(request.query());
    pages.follow(request.query(), page -> page.forEach(resource -> collect(resource, type,
        request.patientField(), ids)));
    return new ArrayList<>(ids);
  }

  static void collect(ObjectNode resource, String queryType, String field, Set<String> ids) {
    String type = resource.path("resourceType").asText();
    if (type.equals("Group")) {
      for (JsonNode member : resource.path("member")) {
        if (!member.path("inactive").asBoolean(false)) { // no longer in the group, as Group/[id]/$export has it
          add(member.path("entity").path("reference").asText(), ids);
        }
      }
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
      values.forEach(value -> add(value.path("reference").asText(), ids));
    }
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

  private static void add(String reference, Set<String> ids) {
    Matcher matcher = PATIENT.matcher(reference);
    if (matcher.find()) {
      ids.add(matcher.group(1));
    }
  }
}
