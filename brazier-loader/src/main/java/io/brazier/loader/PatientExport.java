package io.brazier.loader;

import static io.brazier.loader.ExportSetting.BATCH_SIZE;
import static io.brazier.loader.ExportSetting.INCLUDE;
import static io.brazier.loader.ExportSetting.MAX_URL;
import static io.brazier.loader.ExportSetting.PATIENT_FIELD;
import static io.brazier.loader.ExportSetting.QUERY;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A patient-centric export: {@code query} (a search, {@code Coverage?class-value=Med1}) gives the patients, through
 * {@code patientField} when it returns another type ({@code id} when it returns Patients; a Group's members always);
 * each include template ({@code Observation?patient=$IDS}) then runs with {@code $IDS} replaced by batches of at most
 * {@code batchSize} patient ids, each URL kept within {@code maxUrl} characters.
 */
public record PatientExport(String query, String patientField, List<String> includes, int batchSize, int maxUrl)
    implements ExportRequest {
  public static final String IDS = "$IDS";
  private static final Pattern SEARCH = Pattern.compile("[A-Z][A-Za-z]+(\\?[^#]*)?");
  private static final Pattern FIELD = Pattern.compile("[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*");

  public PatientExport {
    includes = List.copyOf(includes);
    requireSearch(QUERY, query);
    if (!FIELD.matcher(patientField).matches()) {
      throw new ExportSetting.Invalid(name -> name.apply(PATIENT_FIELD) + " must be id or the field that refers to"
          + " the patient, such as subscriber or subject, not " + patientField);
    }
    if (includes.isEmpty()) {
      throw new ExportSetting.Invalid(name -> "Give at least one " + name.apply(INCLUDE)
          + ", such as 'Patient?_id=$IDS'");
    }
    for (String include : includes) {
      requireSearch(INCLUDE, include);
      if (!include.contains(IDS)) {
        throw new ExportSetting.Invalid(name -> name.apply(INCLUDE) + " " + include + " has no $IDS: write where the"
            + " patient ids go, such as 'Observation?patient=$IDS'");
      }
    }
    if (batchSize < 1) {
      throw new ExportSetting.Invalid(name -> name.apply(BATCH_SIZE) + " must be at least 1, not " + batchSize);
    }
    if (maxUrl < 256) {
      throw new ExportSetting.Invalid(name -> name.apply(MAX_URL) + " must be at least 256, not " + maxUrl);
    }
  }

  /** The patients of a Group: its members. */
  public static String group(String id) {
    if (!id.matches("[A-Za-z0-9\\-.]{1,64}")) {
      throw new IllegalArgumentException("--group takes a Group's id, not " + id);
    }
    return "Group?_id=" + id;
  }

  static void requireSearch(ExportSetting setting, String search) {
    if (search == null || !SEARCH.matcher(search).matches()) {
      throw new ExportSetting.Invalid(name -> name.apply(setting) + " must be a search below the server's base, a"
          + " type and its parameters such as Observation?patient=$IDS, not " + search);
    }
  }

  /** The type a search is of: the text before its {@code ?}. */
  public static String typeOf(String search) {
    int question = search.indexOf('?');
    return question < 0 ? search : search.substring(0, question);
  }

  @Override
  public List<String> types() {
    List<String> types = new ArrayList<>();
    types.add(typeOf(query));
    includes.forEach(include -> types.add(typeOf(include)));
    return types.stream().distinct().toList();
  }

  @Override
  public String describe() {
    return "patients of " + query + " (" + patientField + ") with " + String.join(", ", includes);
  }
}
