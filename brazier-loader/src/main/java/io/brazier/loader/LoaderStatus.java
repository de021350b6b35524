package io.brazier.loader;

/**
 * What {@code GET /loader/status} answers: files waiting and loading, files done and failed, resources loaded and
 * failed since the start, and the rate of the last minute.
 */
public record LoaderStatus(long queued, int loading, long filesProcessed, long filesFailed, long resources,
    long failedEntries, double resourcesPerSecond) {

  /** Two services' status as one. */
  public LoaderStatus plus(LoaderStatus other) {
    return new LoaderStatus(queued + other.queued, loading + other.loading, filesProcessed + other.filesProcessed,
        filesFailed + other.filesFailed, resources + other.resources, failedEntries + other.failedEntries,
        resourcesPerSecond + other.resourcesPerSecond);
  }
}
