package io.brazier.loader;

import io.brazier.client.FhirBase;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirClient;
import io.brazier.client.FhirReply;
import io.brazier.loader.files.InputFile;
import io.brazier.loader.files.Inputs;
import io.brazier.loader.files.Survey;
import io.brazier.loader.send.FileOutcome;
import io.brazier.loader.send.Sender;
import io.brazier.loader.send.Sender.Refused;
import io.brazier.loader.send.Sender.StopSending;
import io.brazier.loader.send.Sender.Unreachable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-shot load ({@code brazier load}): every input file, in the order references need ({@link Survey}: reference
 * data first, NDJSON after the types it refers to), {@code --concurrency} files at once. The files themselves are
 * only read. One load per instance: it counts what it has done so far for {@link #report}.
 */
public final class Load {
  /** A read as cheap as any (its answer, 404 mostly, does not matter) that a server wanting a token answers 401. */
  private static final String PROBE = "Patient/brazier-load-probe";

  private final FhirClient target;
  private final LoaderConfig config;
  private final AtomicInteger files = new AtomicInteger();
  private final AtomicLong resources = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final Map<String, String> failures = Collections.synchronizedMap(new TreeMap<>());
  private volatile long started = System.nanoTime();

  public Load(FhirClient target, LoaderConfig config) {
    this.target = target;
    this.config = config;
  }

  /**
   * Loads every file; first asks the server for its metadata.
   *
   * @throws TargetUnavailable before any file is read, when the server cannot be reached or answers 404 there; or
   *     when it refuses a write (401, 403) or a request cannot reach it on any attempt: then nothing more is sent,
   *     the files not begun are not, and the message says what to fix and what was loaded, which stays
   */
  public LoadReport run(Inputs inputs, Progress progress) throws TargetUnavailable, InterruptedException {
    started = System.nanoTime();
    requireServer();
    failures.putAll(inputs.problems());
    files.addAndGet(inputs.problems().size());
    ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), Loading.threads("loader-file"));
    Optional<Unreachable> stopped = Optional.empty();
    try (Loading loading = new Loading(target, config, StopSending.AFTER_REFUSAL_OR_OUTAGE)) {
      progress.start(inputs.files().size());
      for (List<InputFile> layer : Survey.layers(inputs.files())) {
        List<Future<FileOutcome>> outcomes = new ArrayList<>();
        for (InputFile file : layer) {
          outcomes.add(pool.submit(() -> loading.load(file, false, progress::entries)));
        }
        for (Future<FileOutcome> future : outcomes) {
          stopped = stopped(loading);
          if (stopped.isPresent() && future.cancel(false)) {
            continue; // not begun: a file that fails for the same cause would be named a failure of its own
          }
          FileOutcome outcome = result(future);
          resources.addAndGet(outcome.loaded());
          failed.addAndGet(outcome.failed());
          if (!outcome.succeeded()) {
            failures.put(outcome.name(), outcome.reason());
          }
          files.incrementAndGet();
          progress.file(outcome);
        }
        stopped = stopped(loading);
        if (stopped.isPresent()) {
          break;
        }
      }
    } finally {
      pool.shutdownNow();
      progress.close();
    }
    if (stopped.isPresent()) {
      String why = stopped.get().getMessage();
      throw new TargetUnavailable(why + (why.endsWith(".") ? "" : ".") + " The load stopped there. "
          + report().summary() + System.lineSeparator() + "What was loaded stays on the server; once the loader "
          + (stopped.get() instanceof Refused ? "may write" : "reaches the server again") + ", the same command sends"
          + " every file again, and the resources already loaded are written once more by id, never duplicated.");
    }
    return report();
  }

  /** Why nothing more is sent: a write the server refused, or a request that could not reach it on any attempt. */
  private static Optional<Unreachable> stopped(Loading loading) {
    return loading.refused().<Unreachable>map(refused -> refused).or(loading::outage);
  }

  /**
   * What this load has done so far: at its end, all of it; while it runs (a stopped {@code brazier load}), the files
   * ended so far. Thread-safe.
   */
  public LoadReport report() {
    synchronized (failures) {
      return new LoadReport(files.get(), resources.get(), failed.get(), Duration.ofNanos(System.nanoTime() - started),
          new TreeMap<>(failures));
    }
  }

  /**
   * Fails when the server cannot be reached, answers 404 for its metadata (a base URL without its /fhir), or 401 for
   * a read (its metadata may be open while it wants a token for the rest): else every file in turn would spend its
   * retries, half a minute by default, or fail, on the same cause.
   */
  private void requireServer() throws TargetUnavailable {
    Sender sender = new Sender(target, config);
    FhirReply reply;
    try {
      Optional<String> notBase = FhirBase.whyNot(target.name(), sender.send(FhirBase.METADATA));
      if (notBase.isPresent()) {
        throw new TargetUnavailable(notBase.get() + "; no file was loaded.");
      }
      reply = sender.send(FhirCall.get(PROBE));
    } catch (Unreachable e) {
      throw new TargetUnavailable(e.getMessage() + "; no file was loaded.");
    }
    if (reply.status() == 401) {
      throw new TargetUnavailable("The FHIR server at " + target.name() + " answered 401 (" + reply.diagnostics()
          + "): it wants a token it accepts. Give --token-url, --client-id and --client-secret (and --scope or"
          + " --resource if its token endpoint asks for one); no file was loaded.");
    }
  }

  private static FileOutcome result(Future<FileOutcome> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("Loading a file failed unexpectedly", e.getCause());
    }
  }
}
