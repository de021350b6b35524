package io.brazier.loader;

import io.brazier.client.FhirClient;
import io.brazier.loader.files.InputFile;
import io.brazier.loader.send.BundleLoad;
import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.send.NdjsonLoad;
import io.brazier.loader.send.Sender;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.zip.ZipException;

/**
 * Loads one file of any kind, for the one-shot load and the watching service alike. It owns the threads that send:
 * one pool for the batches of NDJSON files, one for the chunks of a batch (never the same, so that a batch waiting
 * for its chunks cannot hold the threads they need); the sender bounds the requests in flight.
 */
final class Loading implements AutoCloseable {
  private final Sender sender;
  private final ExecutorService batchPool;
  private final ExecutorService chunkPool;
  private final BundleLoad bundles;
  private final NdjsonLoad ndjson;
  private final long maxBundleBytes;

  /**
   * @param stop whether a write the server refuses (401, 403) stops all sending (a one-shot load ends, the watching
   *     service pauses until {@link #resume}), and whether a request that could not reach the server does
   */
  Loading(FhirClient target, LoaderConfig config, Sender.StopSending stop) {
    this.sender = new Sender(target, config, stop);
    this.batchPool = Executors.newFixedThreadPool(config.concurrency(), threads("loader-batch"));
    this.chunkPool = Executors.newFixedThreadPool(config.concurrency(), threads("loader-chunk"));
    this.bundles = new BundleLoad(sender, chunkPool, config);
    this.ndjson = new NdjsonLoad(sender, batchPool, chunkPool, config);
    this.maxBundleBytes = config.maxBundleBytes();
  }

  /**
   * Loads the file; {@code progress} hears how many entries were answered as they are. With {@code split} (the
   * watching service) a batch too large to send whole comes back as chunks.
   */
  FileOutcome load(InputFile file, boolean split, IntConsumer progress) throws InterruptedException {
    try {
      switch (file.kind()) {
        case BUNDLE -> {
          Optional<byte[]> content = file.bytes(maxBundleBytes);
          if (content.isEmpty()) {
            return FileOutcome.unusable(file.name(), tooLarge());
          }
          FileOutcome outcome = bundles.load(file.name(), content.get(), split);
          progress.accept(outcome.loaded() + outcome.failed());
          return outcome;
        }
        case NDJSON -> {
          try (InputStream content = file.content()) {
            return ndjson.load(file.name(), content, progress);
          }
        }
        default -> {
          return FileOutcome.unusable(file.name(), "Not a file the loader reads: it loads bundles (*.json) and"
              + " NDJSON (*.ndjson), their .gz forms, and zip archives of them.");
        }
      }
    } catch (ZipException e) {
      return FileOutcome.unusable(file.name(), "The file ends in .gz but is not gzip data (" + e.getMessage()
          + "); compress it again or drop the .gz from its name.");
    } catch (IOException e) {
      return FileOutcome.unusable(file.name(), "The file could not be read: " + e.getMessage());
    }
  }

  /** A bundle is read whole, with its JSON tree several times larger: one too large would stop all loading. */
  private String tooLarge() {
    return String.format("The bundle is larger than %,d MB, the most the loader reads as one bundle with its memory"
        + " (-Xmx%dm): split it into smaller bundles, write its resources as NDJSON (read a line at a time), or give"
        + " the loader more memory (BRAZIER_JAVA_OPTS=-Xmx8g ./brazier ...).", maxBundleBytes >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
  }

  /** The first write the server refused to let this loader make (401, 403), if any. */
  Optional<Sender.Refused> refused() {
    return sender.refused();
  }

  /** The first request that could not reach the server on any attempt, if any. */
  Optional<Sender.Unreachable> outage() {
    return sender.outage();
  }

  /** How long the sender waits before its last retry: the pause before writes are tried again after a refusal. */
  Duration longestRetryWait() {
    return sender.backoff(Math.max(1, sender.maxRetries()));
  }

  /** Sends again after a refusal. */
  void resume() {
    sender.resume();
  }

  static java.util.concurrent.ThreadFactory threads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    batchPool.shutdownNow();
    chunkPool.shutdownNow();
  }
}
