package io.brazier.loader;

import java.time.Duration;

/**
 * How the loader sends: {@code concurrency} requests at once; transactions as transactions unless {@code
 * transformToBatch}; batches of at most {@code maxEntries} entries; NDJSON in batches of {@code bundleSize}; a failed
 * request tried {@code maxRetries} more times, {@code retryBase} apart at first (doubling, with jitter); a dropped file
 * taken once it has not changed for {@code settle}; a bundle file read whole up to {@code maxBundleBytes}.
 */
public record LoaderConfig(int concurrency, int maxEntries, int bundleSize, int maxRetries, Duration retryBase,
    boolean transformToBatch, boolean strictReferences, Duration settle, long maxBundleBytes) {
  /** Most bytes a Java array holds. */
  private static final long LARGEST_ARRAY = Integer.MAX_VALUE - 8;

  public LoaderConfig {
    if (concurrency < 1) {
      throw new IllegalArgumentException("--concurrency must be at least 1, not " + concurrency);
    }
    if (maxEntries < 1) {
      throw new IllegalArgumentException("--max-entries must be at least 1, not " + maxEntries);
    }
    if (bundleSize < 1) {
      throw new IllegalArgumentException("--bundle-size must be at least 1, not " + bundleSize);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("--max-retries must be 0 or more, not " + maxRetries);
    }
    if (retryBase.isNegative()) {
      throw new IllegalArgumentException("--retry-base must be 0 or more, not " + retryBase);
    }
    if (settle.isNegative()) {
      throw new IllegalArgumentException("--settle must be 0 or more, not " + settle);
    }
    if (maxBundleBytes < 1 || maxBundleBytes > LARGEST_ARRAY) {
      throw new IllegalArgumentException("maxBundleBytes must be between 1 and " + LARGEST_ARRAY);
    }
  }

  /**
   * The largest bundle file this JVM reads whole: an eighth of its heap, which holds the bytes and their JSON tree
   * (several times larger) for a few files at once.
   */
  public static long largestBundle() {
    return Math.min(Runtime.getRuntime().maxMemory() / 8, LARGEST_ARRAY);
  }

  public static LoaderConfig defaults() {
    return new LoaderConfig(Runtime.getRuntime().availableProcessors() * 2, 500, 500, 5, Duration.ofSeconds(1),
        false, false, Duration.ofSeconds(2), largestBundle());
  }

  public LoaderConfig withRetries(int newMaxRetries, Duration newRetryBase) {
    return new LoaderConfig(concurrency, maxEntries, bundleSize, newMaxRetries, newRetryBase, transformToBatch,
        strictReferences, settle, maxBundleBytes);
  }

  public LoaderConfig withSending(int newConcurrency, int newMaxEntries, int newBundleSize) {
    return new LoaderConfig(newConcurrency, newMaxEntries, newBundleSize, maxRetries, retryBase, transformToBatch,
        strictReferences, settle, maxBundleBytes);
  }

  public LoaderConfig withModes(boolean newTransformToBatch, boolean newStrictReferences) {
    return new LoaderConfig(concurrency, maxEntries, bundleSize, maxRetries, retryBase, newTransformToBatch,
        newStrictReferences, settle, maxBundleBytes);
  }

  public LoaderConfig withMaxBundleBytes(long newMaxBundleBytes) {
    return new LoaderConfig(concurrency, maxEntries, bundleSize, maxRetries, retryBase, transformToBatch,
        strictReferences, settle, newMaxBundleBytes);
  }

  public LoaderConfig withSettle(Duration newSettle) {
    return new LoaderConfig(concurrency, maxEntries, bundleSize, maxRetries, retryBase, transformToBatch,
        strictReferences, newSettle, maxBundleBytes);
  }
}
