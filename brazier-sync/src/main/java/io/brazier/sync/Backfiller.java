package io.brazier.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.sync.map.EntityMap;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.MappingException;
import io.brazier.sync.source.Resources;
import io.brazier.sync.target.BackfillJobs;
import io.brazier.sync.target.Batch;
import io.brazier.sync.target.DeadLetter;
import io.brazier.sync.target.Item;
import io.brazier.sync.target.RelationalTarget;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs back-fill jobs: each type's resources read again by search, oldest {@code _lastUpdated} first, mapped in
 * parallel and written a page per transaction with the job's progress (the type, and the lastUpdated of the page's
 * last resource). A job resumes from there (re-reading the resources of that same instant, which the version guard
 * writes again to no harm); a resource updated meanwhile moves to a later instant, so the walk cannot miss it, and
 * the live feed applies it anyway. The next page is read while the current one is written.
 */
final class Backfiller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Backfiller.class);
  private static final long IDLE_MILLIS = 1_000;

  private final String owner;
  private final String source;
  private final Resources resources;
  private final Supplier<MapSet> maps;
  private final Preparer preparer;
  private final RelationalTarget target;
  private final SyncMetrics metrics;
  private final Retries retries;
  private final int pageSize;
  private final ForkJoinPool mapping;
  private final ExecutorService reading;
  private volatile boolean running = true;

  Backfiller(String owner, String source, Resources resources, Supplier<MapSet> maps, Preparer preparer,
      RelationalTarget target, SyncMetrics metrics, SyncConfig config) {
    this.owner = owner;
    this.source = source;
    this.resources = resources;
    this.maps = maps;
    this.preparer = preparer;
    this.target = target;
    this.metrics = metrics;
    this.retries = new Retries(config.maxAttempts(), metrics, () -> running);
    this.pageSize = config.backfillPageSize();
    this.mapping = new ForkJoinPool(config.workers());
    this.reading = java.util.concurrent.Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "sync-backfill-read");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Claims and runs jobs. What interrupts one (its jobs' table out of reach, say) is an outage like the other
   * workers': warned of once, then at most once a minute, and said to be over once a claim or a job succeeds again.
   */
  @Override
  public void run() {
    Outage outage = new Outage(log, "back-fill is interrupted", "back-fill runs again");
    while (running) {
      try {
        Optional<BackfillJobs.Job> job = target.backfills().claim(owner);
        if (job.isPresent()) {
          run(job.get());
        }
        outage.over();
        if (job.isEmpty()) {
          Thread.sleep(IDLE_MILLIS);
        }
      } catch (InterruptedException | Retries.Stopped e) {
        return;
      } catch (BackfillJobs.LostJob e) {
        log.warn("{}; another agent carries on with it", e.getMessage());
      } catch (SQLException | RuntimeException e) {
        Failures.sleep(Failures.backoff(outage.failed(Failures.describe(e))));
      }
    }
  }

  private void run(BackfillJobs.Job job) throws SQLException {
    log.info("Sync back-fill started job={} types={} from={}", job.id(), job.types(), job.typeIndex());
    try {
      long done = job.done();
      if (job.total() == 0) {
        target.backfills().total(job.id(), owner, count(job));
      }
      for (int index = job.typeIndex(); index < job.types().size() && running; index++) {
        String cursor = index == job.typeIndex() ? job.cursor() : null;
        done = type(job, index, cursor, done);
      }
      if (running) {
        target.backfills().finish(job.id(), owner, "done", null);
        log.info("Sync back-fill done job={} resources={}", job.id(), done);
      }
    } catch (Retries.GaveUp e) {
      target.backfills().finish(job.id(), owner, "failed", e.getMessage());
      log.warn("Sync back-fill failed job={}: {}", job.id(), e.getMessage());
    }
  }

  private long count(BackfillJobs.Job job) throws Retries.GaveUp {
    long total = 0;
    for (String type : job.types().subList(job.typeIndex(), job.types().size())) {
      total += retries.run("counting " + type, attempt -> resources.count(type));
    }
    return total;
  }

  /** Walks one type from {@code cursor}, a page per transaction; answers the resources done so far. */
  private long type(BackfillJobs.Job job, int index, String cursor, long done) throws Retries.GaveUp {
    String type = job.types().get(index);
    String url = type + "?_sort=_lastUpdated&_count=" + pageSize
        + (cursor == null ? "" : "&_lastUpdated=ge" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    CompletableFuture<Resources.Page> next = read(url);
    long total = done;
    String position = cursor;
    while (next != null && running) {
      Resources.Page page = await(next);
      next = page.next() == null ? null : read(page.next());
      if (page.resources().isEmpty()) {
        continue;
      }
      position = page.resources().get(page.resources().size() - 1).path("meta").path("lastUpdated").asText(position);
      total += page.resources().size();
      write(page.resources(), new BackfillJobs.Step(job.id(), owner, index, position, total));
    }
    return total;
  }

  private CompletableFuture<Resources.Page> read(String url) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return retries.run("reading " + url, attempt -> resources.search(url));
      } catch (Retries.GaveUp e) {
        throw new CompletionException(e);
      }
    }, reading);
  }

  /** The page read; the read's failure as itself (its give-up, an Error), not wrapped by the future. */
  static Resources.Page await(CompletableFuture<Resources.Page> page) throws Retries.GaveUp {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof Retries.GaveUp gaveUp) {
        throw gaveUp;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error; // out of memory or of stack: nothing to read again, so back-fill ends (EndedThreads)
      }
      throw e;
    }
  }

  /** Maps a page in parallel and writes it with the job's step; what its map cannot take is dead-lettered. */
  private void write(List<ObjectNode> page, BackfillJobs.Step step) throws Retries.GaveUp {
    MapSet current = maps.get();
    List<Object> mapped = mapping.submit(() -> page.parallelStream().map(json -> map(current, json)).toList())
        .join();
    List<Item> items = new ArrayList<>();
    List<DeadLetter> dead = new ArrayList<>();
    for (Object one : mapped) {
      if (one instanceof Item item) {
        items.add(item);
      } else if (one instanceof DeadLetter letter) {
        dead.add(letter);
      }
    }
    retries.run("writing a back-fill page", attempt ->
        target.apply(current, new Batch(source, items, true, null, dead, List.of(), step)));
    metrics.backfilled(page.size());
    dead.forEach(letter -> log.warn("Sync back-fill could not map {}/{}: {}", letter.type(), letter.resourceId(),
        letter.error()));
  }

  /** The item of a resource, a dead letter when its map cannot take it, or null when its type is not synced. */
  private Object map(MapSet current, ObjectNode json) {
    String type = json.path("resourceType").asText();
    String id = json.path("id").asText();
    EntityMap map = current.root(type);
    if (map == null) {
      return null;
    }
    String partition = Partitions.of(type, id, json);
    try {
      return preparer.item(current, map, 0, json, partition);
    } catch (MappingException e) {
      return letter(type, id, partition, e.getMessage());
    } catch (RuntimeException e) {
      // What the agent does not expect (a bug mapping this resource) fails it every time, as a map's refusal does: it
      // is dead-lettered naming the exception, so the page is written and the back-fill goes on.
      log.error("Sync back-fill failed unexpectedly on {}/{}", type, id, e);
      return letter(type, id, partition, Failures.describeUnexpected(e));
    }
  }

  private DeadLetter letter(String type, String id, String partition, String error) {
    return new DeadLetter(0, source, 0, type, id, null, "backfill", partition, 1, error, null);
  }

  void stop() {
    running = false;
    mapping.shutdownNow();
    reading.shutdownNow();
  }
}
