package io.brazier.loader;

import io.brazier.client.FhirClient;
import static io.brazier.loader.Folders.BUNDLES;
import static io.brazier.loader.Folders.NDJSON;
import static io.brazier.loader.Folders.ZIP;

import io.brazier.loader.files.FileKind;
import io.brazier.loader.files.InputFile;
import io.brazier.loader.files.Survey;
import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.send.Sender;
import io.brazier.loader.storage.Storage;
import io.brazier.loader.storage.Storage.Claim;
import io.brazier.loader.storage.Storage.Stored;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watching service: loads what is dropped into {@code bundles}, {@code ndjson} and {@code zip} (files there at
 * start, and new ones), once each has not changed for {@code --settle}, and leaves each in its result folder
 * ({@link Results}). Reference data goes first; the chunks of a split bundle go in order. A file a loader was killed
 * on is taken again (loads are idempotent); one that stopped loaders more than {@code --max-retries} times goes to
 * the error folder instead. When the server refuses the loader its writes (401, 403: credentials or a right missing,
 * no fault of the files) all sending stops, as in a one-shot load; the files it met stay where they are, uncounted,
 * and writes are tried again after the longest of the retries' waits, until the server takes them.
 */
public final class LoaderService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoaderService.class);
  private static final java.util.regex.Pattern CHUNK = java.util.regex.Pattern.compile("(.*)-(\\d+)\\.json");

  private final Storage storage;
  private final LoaderConfig config;
  private final Loading loading;
  private final Results results;
  private final Archives archives;
  private final Settling settling;
  private final ScheduledExecutorService scanner =
      Executors.newSingleThreadScheduledExecutor(Loading.threads("loader-scan"));
  private final ExecutorService files;
  private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>(); // key: folder/name, value: reference data
  private final AtomicLong queued = new AtomicLong();
  private final LoaderMetrics metrics;
  /** While the server refuses the loader its writes: when to try them again (System.nanoTime). */
  private volatile long tryWritesAt;
  private final AtomicReference<Sender.Refused> reported = new AtomicReference<>();

  public LoaderService(FhirClient target, LoaderConfig config, Storage storage, MeterRegistry registry) {
    this.storage = storage;
    this.config = config;
    this.loading = new Loading(target, config, Sender.StopSending.AFTER_REFUSAL);
    this.results = new Results(storage);
    this.archives = new Archives(storage, results);
    this.settling = new Settling(config.settle());
    this.files = Executors.newFixedThreadPool(config.concurrency(), Loading.threads("loader-file"));
    this.metrics = new LoaderMetrics(registry, storage.kind(), queued::get);
  }

  public LoaderService start() throws IOException {
    storage.prepare(Folders.ALL);
    scanner.scheduleWithFixedDelay(this::scanSafely, 0, 200, TimeUnit.MILLISECONDS);
    log.info("Loader watching storage={} folders={} settleMs={}", storage.describe(), Folders.INPUTS,
        config.settle().toMillis());
    return this;
  }

  public LoaderStatus status() {
    return metrics.status(queued.get(), inFlight.size());
  }

  /**
   * Queues a bundle as if it had been dropped into {@code bundles}; the name it got there. A bundle of that name
   * still waiting or loading is never replaced (the one loading would be moved away as loaded with the new one's
   * content, which was never sent): that is {@link NameTaken}.
   */
  public String queue(byte[] bundle, String name) throws NameTaken, IOException {
    String file = Folders.sanitize(Folders.stem(name == null || name.isBlank()
        ? "bundle-" + java.util.UUID.randomUUID() : name)) + ".json";
    if (!storage.create(BUNDLES, file, bundle)) {
      throw new NameTaken(file);
    }
    return file;
  }

  /** A bundle of this name is still waiting or loading; nothing was queued. */
  public static final class NameTaken extends Exception {
    NameTaken(String file) {
      super("A bundle named " + file + " is still waiting or loading: send this one under another name (or none,"
          + " for a unique one), or again once that one is loaded.");
    }
  }

  private void scanSafely() {
    try {
      scan();
    } catch (IOException | UncheckedIOException e) {
      log.warn("Listing the loader's folders failed storage={}: {}", storage.describe(), e.getMessage());
    } catch (RuntimeException e) {
      log.error("The loader's scan failed", e);
    }
  }

  private void scan() throws IOException {
    if (loading.refused().isPresent()) {
      if (!inFlight.isEmpty() || System.nanoTime() - tryWritesAt < 0) {
        return; // no file is taken while the server refuses writes: each would only be refused
      }
      loading.resume();
      log.info("Trying the loader's writes again storage={}", storage.describe());
    }
    List<Candidate> ready = new ArrayList<>();
    Set<String> present = ConcurrentHashMap.newKeySet();
    for (String folder : Folders.INPUTS) {
      for (Stored file : storage.list(folder)) {
        if (FileKind.partial(file.name())) {
          continue;
        }
        present.add(folder + "/" + file.name());
        if (settling.settled(folder, file) && !inFlight.containsKey(folder + "/" + file.name())) {
          ready.add(new Candidate(folder, file, referenceData(folder, file)));
        }
      }
    }
    settling.forgetAllBut(present);
    // First come, first loaded: a folder lists in no particular order.
    ready.sort(java.util.Comparator.comparing((Candidate candidate) -> candidate.file().modified())
        .thenComparing(candidate -> candidate.file().name()));
    queued.set(ready.size());
    boolean referenceFirst = ready.stream().anyMatch(Candidate::reference) || inFlight.containsValue(true);
    for (Candidate candidate : ready) {
      if (inFlight.size() >= config.concurrency()) {
        return;
      }
      if ((referenceFirst && !candidate.reference()) || waitsForEarlierChunk(candidate, present)) {
        continue;
      }
      // Claimed here, not by the file's thread, so that a file another loader holds makes way for the next one:
      // every loader lists the same files first, and would otherwise wait behind another's.
      Optional<Claim> claim = claim(candidate);
      if (claim.isPresent()) {
        inFlight.put(candidate.key(), candidate.reference());
        try {
          files.submit(() -> take(candidate, claim.get()));
        } catch (RejectedExecutionException e) { // the loader stops: the file is for the next start, uncounted
          inFlight.remove(candidate.key());
          giveBack(candidate, claim.get());
          return;
        }
      }
    }
  }

  private static void giveBack(Candidate candidate, Claim claim) {
    try (claim) {
      claim.giveBack();
    } catch (IOException e) {
      log.info("Could not give back a file the stopping loader claimed file={}/{}: {}", candidate.folder(),
          candidate.file().name(), e.getMessage());
    }
  }

  /** The file, claimed for this loader; empty when another loader holds it, or it is gone or cannot be claimed. */
  private Optional<Claim> claim(Candidate candidate) {
    try {
      return storage.claim(candidate.folder(), candidate.file());
    } catch (NoSuchFileException e) {
      log.info("File gone before it was loaded, skipped file={}/{}", candidate.folder(), candidate.file().name());
    } catch (IOException e) {
      log.warn("Claiming failed, the file stays to be taken again file={}/{}: {}", candidate.folder(),
          candidate.file().name(), e.getMessage());
    }
    return Optional.empty();
  }

  private record Candidate(String folder, Stored file, boolean reference) {
    String key() {
      return folder + "/" + file.name();
    }
  }

  private boolean referenceData(String folder, Stored file) {
    return !folder.equals(ZIP)
        && settling.referenceData(folder, file, () -> Survey.isReferenceData(storage.file(folder, file)));
  }

  /** Chunk n of a split bundle waits while chunk n-1 is still to load, so references hold between them. */
  private boolean waitsForEarlierChunk(Candidate candidate, Set<String> present) {
    var matcher = CHUNK.matcher(candidate.file().name());
    if (!candidate.folder().equals(BUNDLES) || !matcher.matches()) {
      return false;
    }
    int n = Integer.parseInt(matcher.group(2));
    String earlier = BUNDLES + "/" + matcher.group(1) + "-" + (n - 1) + ".json";
    return n > 1 && (present.contains(earlier) || inFlight.containsKey(earlier));
  }

  private void take(Candidate candidate, Claim claim) {
    try (claim) {
      if (load(candidate.folder(), candidate.file(), claim)) {
        claim.finish();
      } else {
        claim.giveBack();
      }
    } catch (NoSuchFileException e) {
      log.info("File gone before it was loaded, skipped file={}/{}", candidate.folder(), candidate.file().name());
    } catch (IOException e) {
      log.warn("Loading failed, the file stays to be taken again file={}/{}: {}", candidate.folder(),
          candidate.file().name(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("Loading failed unexpectedly file={}/{}", candidate.folder(), candidate.file().name(), e);
    } finally {
      inFlight.remove(candidate.key());
    }
  }

  /** Loads the file and leaves it in its result folder; false when it stays, to be loaded again. */
  private boolean load(String folder, Stored file, Claim claim) throws IOException, InterruptedException {
    String name = file.name();
    if (claim.attempts() > config.maxRetries() + 1) {
      String reason = "The loader stopped " + (claim.attempts() - 1) + " times while loading this file (killed, or"
          + " out of memory); it is not taken again. Split it into smaller files and drop them anew.";
      results.failed(folder, folder + "err", name, reason, null);
      metrics.file("failed");
      return true;
    }
    if (claim.attempts() > 1) {
      log.info("Loading again after an interrupted attempt file={}/{} attempt={}", folder, name, claim.attempts());
    }
    if (folder.equals(ZIP)) {
      metrics.file(archives.unpack(name) ? "processed" : "failed");
      return true;
    }
    InputFile input = storage.file(folder, file);
    input.opener().open().close(); // gone since it was listed: NoSuchFileException, skipped
    FileOutcome outcome = loading.load(input, true, metrics::entries);
    Optional<Sender.Refused> refused = loading.refused();
    if (outcome.errors() > 0 && refused.isPresent()) {
      refusedWrites(refused.get(), folder + "/" + name);
      return false;
    }
    if (folder.equals(NDJSON)) {
      results.ndjson(name, outcome);
    } else {
      results.bundle(file, outcome);
    }
    metrics.outcome(outcome);
    log.info("Loaded file={}/{} resources={} failed={}{}", folder, name, outcome.loaded(), outcome.failed(),
        outcome.isSplit() ? " split=" + outcome.chunks().size() : "");
    return true;
  }

  /**
   * A file met the server's refusal: it stays, and writes wait. What to fix is said once per refusal (that is, again
   * after each try that is refused anew), not once per file.
   */
  private void refusedWrites(Sender.Refused refused, String file) {
    Duration wait = loading.longestRetryWait();
    tryWritesAt = System.nanoTime() + wait.toNanos();
    if (reported.getAndSet(refused) != refused) {
      log.warn("{} The loader stopped sending; the files stay where they are (not in the error folders) and are"
          + " loaded once the server takes writes, tried again every {} s", refused.getMessage(), wait.toSeconds());
    }
    log.info("File kept to load once the server takes writes file={}", file);
  }

  /** Stops taking files and waits a moment for those in flight; a file cut off is taken again at the next start. */
  @Override
  public void close() {
    scanner.shutdownNow();
    files.shutdown();
    try {
      if (!files.awaitTermination(10, TimeUnit.SECONDS)) {
        files.shutdownNow();
      }
    } catch (InterruptedException e) {
      files.shutdownNow();
      Thread.currentThread().interrupt();
    }
    loading.close();
  }
}
