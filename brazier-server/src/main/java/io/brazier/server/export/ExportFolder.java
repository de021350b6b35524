package io.brazier.server.export;

/**
 * Where one export's files go: the folder {@code <dir>/<job>} of local storage, or the prefix {@code <job>/} in a
 * Blob container (the one {@code _container} named, or {@code --export-container}).
 *
 * @param container the Blob container; local storage has none to tell apart and ignores it
 * @param job the export's job id
 */
record ExportFolder(String container, String job) {

  /** The folder of an export, as its request and the configuration name it. */
  static ExportFolder of(ExportRequest request, String job, String defaultContainer) {
    return new ExportFolder(request.container() == null ? defaultContainer : request.container(), job);
  }
}
