package io.brazier.server.export;

import java.util.regex.Pattern;

/**
 * Where one export's files go: the folder {@code <dir>/<job>} of local storage, or the prefix {@code <job>/} in a
 * Blob container (the one {@code _container} named, or {@code --export-container}).
 *
 * @param container the Blob container; local storage has none to tell apart and ignores it
 * @param job the export's job id, a UUID: nothing else names a folder, so that none lies outside the storage's root
 */
record ExportFolder(String container, String job) {
  private static final Pattern JOB = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  ExportFolder {
    if (job == null || !isJob(job)) {
      throw new IllegalArgumentException("'" + job + "' is not the id of an export job");
    }
  }

  /** Whether a folder's name is an export job's id: anything else in the storage is not an export's, and stays. */
  static boolean isJob(String name) {
    return JOB.matcher(name).matches();
  }

  /** The folder of an export, as its request and the configuration name it. */
  static ExportFolder of(ExportRequest request, String job, String defaultContainer) {
    return new ExportFolder(request.container() == null ? defaultContainer : request.container(), job);
  }
}
