package io.brazier.loader.export;

import io.brazier.loader.ExportSetting;
import io.brazier.loader.PatientExport;
import java.util.ArrayList;
import java.util.List;

/**
 * The include searches of a patient-centric export: the patients in batches of at most {@code --batch-size}, and
 * fewer when their ids would make the longest include's URL longer than {@code --max-url} (servers and proxies
 * refuse long URLs, often at 8 KB); every include runs for every batch.
 */
final class Batches {
  private Batches() {}

  /** @param baseLength the length of the server's base URL, which every search's URL starts with */
  static List<String> searches(List<String> ids, PatientExport request, int baseLength) {
    int longest = request.includes().stream().mapToInt(String::length).max().orElse(0);
    int room = request.maxUrl() - baseLength - (longest - PatientExport.IDS.length());
    if (room < 64) {
      throw new ExportSetting.Invalid(name -> name.apply(ExportSetting.MAX_URL) + " " + request.maxUrl()
          + " leaves no room for patient ids in the longest include; raise it or shorten the include");
    }
    List<String> searches = new ArrayList<>();
    for (String batch : batches(ids, request.batchSize(), room)) {
      request.includes().forEach(include -> searches.add(include.replace(PatientExport.IDS, batch)));
    }
    return searches;
  }

  static List<String> batches(List<String> ids, int size, int room) {
    List<String> batches = new ArrayList<>();
    StringBuilder batch = new StringBuilder();
    int count = 0;
    for (String id : ids) {
      if (count > 0 && (count == size || batch.length() + 1 + id.length() > room)) {
        batches.add(batch.toString());
        batch.setLength(0);
        count = 0;
      }
      batch.append(count == 0 ? "" : ",").append(id);
      count++;
    }
    if (count > 0) {
      batches.add(batch.toString());
    }
    return batches;
  }
}
