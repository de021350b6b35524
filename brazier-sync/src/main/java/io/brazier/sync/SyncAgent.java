package io.brazier.sync;

import io.brazier.client.FhirClient;
import io.brazier.client.HttpFhirClient;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.FhirPath;
import io.brazier.sync.dataverse.DataverseRows;
import io.brazier.sync.map.MapLoader;
import io.brazier.sync.map.MapReader;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.MapWatcher;
import io.brazier.sync.map.Mapper;
import io.brazier.sync.source.ChangeFeed;
import io.brazier.sync.source.Feed;
import io.brazier.sync.source.HistoryFeed;
import io.brazier.sync.source.Resources;
import io.brazier.sync.source.SyncQueue;
import io.brazier.sync.source.Updates;
import io.brazier.sync.target.BackfillJobs;
import io.brazier.sync.target.DeadLetter;
import io.brazier.sync.target.FhirReplica;
import io.brazier.sync.target.LeftRowChanges;
import io.brazier.sync.target.RelationalTarget;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync agent: follows a FHIR server's change feed into a relational system of engagement through the maps, runs
 * back-fills, and replays dead letters. Of the agents on one target (one per node of a cluster), one is active, the
 * holder of the target's leader lock; the others stand by and take over when it goes.
 */
public final class SyncAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncAgent.class);
  private static final Duration SUPERVISION = Duration.ofSeconds(2);
  private static final Duration LOG_KEPT = Duration.ofDays(7);
  /**
   * The {@code meta.source} of what the agent writes to FHIR (write-back): Brazier's {@code Caller.SYNC_AGENT_SOURCE},
   * which the server also sets for the agent in process, and which the event publisher skips.
   */
  public static final String WRITE_BACK_SOURCE = "urn:brazier:sync";

  private final FhirClient fhir;
  /** The source's name: its base URL without a trailing slash, which keys its checkpoints and the leader lock. */
  private final String source;
  private final SyncConfig config;
  private final Channels channels;
  private final RelationalTarget target;
  private final MapWatcher maps;
  private final SyncMetrics metrics;
  private final MeterRegistry registry;
  private final Mapper mapper;
  private final Preparer preparer;
  private final Leadership leadership;
  private final TargetReadiness readiness;
  private final String owner = "agent-" + UUID.randomUUID();
  private final Thread supervisor;
  private volatile boolean running = true;
  private volatile Active active;

  /** What runs while this agent is the active one. */
  private record Active(ChangeReader reader, Thread readerThread, Workers workers, Backfiller backfiller,
      Thread backfillThread, WriteBack writeBack, Thread writeBackThread, EndedThreads threads) {}

  private SyncAgent(FhirClient fhir, Fhir context, TargetConfig targetConfig, SyncConfig config, Channels channels,
      MeterRegistry registry) throws IOException {
    this.fhir = fhir;
    String name = fhir.name();
    this.source = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    this.config = config;
    this.channels = channels;
    FhirReplica replica = config.fhirTarget() == null ? null
        : new FhirReplica(new HttpFhirClient(config.fhirTarget(), Optional.empty(), Duration.ofSeconds(90)));
    this.target = RelationalTarget.connect(targetConfig, channels.dataverse() == null ? null
        : new DataverseRows(channels.dataverse()), config.log(), config.logBodies(), replica);
    try {
      FhirPath fhirPath = new FhirPath(context);
      this.maps = new MapWatcher(new MapLoader(new MapReader(context, fhirPath)), config.mapsDir(), target::prepare)
          .watch(config.mapsInterval());
    } catch (IOException | RuntimeException e) {
      target.close();
      throw e;
    }
    this.metrics = new SyncMetrics(registry);
    this.registry = registry;
    this.mapper = new Mapper(context);
    // The FHIR target puts the resources as read: they are kept with their rows.
    this.preparer = new Preparer(new Resources(fhir), mapper, config.logBodies() || replica != null);
    this.leadership = new Leadership(targetConfig, source);
    this.readiness = new TargetReadiness(() -> {
      target.migrate();
      maps.prepare();
      metrics.deadLetters(target.deadLetterCount());
    });
    this.supervisor = new Thread(this::supervise, "sync-agent");
    this.supervisor.setDaemon(true);
  }

  /**
   * Starts an agent: loads the maps, migrates its bookkeeping in the target and makes the maps' tables, then syncs as
   * soon as it holds the target's leader lock. A target that cannot be reached is waited for: the agent starts all
   * the same, says so in its status, and tries again with backoff; the changes made meanwhile wait in the feed.
   *
   * @throws io.brazier.sync.map.MapException when the maps are wrong, naming the file and field
   * @throws IllegalStateException when the target answers but cannot be used (no rights, a column of another type)
   */
  public static SyncAgent start(FhirClient fhir, Fhir context, TargetConfig target, SyncConfig config,
      MeterRegistry registry) throws IOException {
    return start(fhir, context, target, config, Channels.defaults(), registry);
  }

  /** Starts an agent that reads changes and writes rows where {@code channels} say. */
  public static SyncAgent start(FhirClient fhir, Fhir context, TargetConfig target, SyncConfig config,
      Channels channels, MeterRegistry registry) throws IOException {
    SyncAgent agent = new SyncAgent(fhir, context, target, config, channels, registry);
    agent.prepareAtStart();
    agent.supervisor.start();
    log.info("Sync agent started source={} workers={} maps={}", agent.source, config.workers(),
        agent.maps.current().origin());
    return agent;
  }

  /**
   * Readies the target when it answers; one that cannot be reached is left to the supervisor. Anything else stops the
   * start, as waiting would not help.
   */
  private void prepareAtStart() {
    try {
      leadership.tryAcquire(); // fails fast when the database is down, where the pool would wait for a connection
      readiness.prepare();
    } catch (SQLException | RuntimeException e) {
      if (!Failures.isOutageWithin(e)) {
        close();
        throw new IllegalStateException("The sync target cannot be used: " + Failures.describe(e), e);
      }
      log.warn("Sync target cannot be reached, the agent waits for it: {}", readiness.unusable(e));
    }
  }

  private void supervise() {
    Outage outage = new Outage(log, "cannot use its target database", "uses its target database again");
    long lastPurge = 0;
    while (running) {
      Duration pause = SUPERVISION;
      try {
        lead();
        readiness.usable();
        outage.over();
      } catch (SQLException | RuntimeException e) {
        pause = Failures.backoff(outage.failed(readiness.unusable(e)));
      }
      if (active != null && System.currentTimeMillis() - lastPurge > Duration.ofHours(1).toMillis()) {
        lastPurge = System.currentTimeMillis();
        purgeLog();
      }
      if (!Failures.sleep(pause)) {
        return;
      }
    }
  }

  /**
   * One round of supervision: the active agent stands by when it lost the leader lock; another takes the lock when
   * it is free, readying the target first.
   *
   * @throws SQLException when the target cannot be reached
   */
  private void lead() throws SQLException {
    if (active != null) {
      if (!leadership.held()) {
        log.warn("Sync agent lost its leader lock (the target's connection dropped); it stands by");
        deactivate();
      }
      return;
    }
    boolean leader = leadership.tryAcquire();
    readiness.prepare();
    if (leader) {
      activate();
    }
  }

  private synchronized void activate() {
    if (!running) {
      return;
    }
    try {
      target.backfills().resumeAll();
    } catch (SQLException e) {
      log.debug("Running back-fills not resumed at once; their lease runs out: {}", e.getMessage());
    }
    String from = channels.queue() == null ? source : "kafka:" + channels.queue().topic();
    EndedThreads threads = new EndedThreads();
    Workers workers = new Workers(config.workers(), from, maps::current, preparer, target, metrics,
        config.maxAttempts(), threads);
    Feed feed = config.history() ? new HistoryFeed(fhir, config.feedPageSize())
        : new ChangeFeed(fhir, config.feedPageSize(), config.feedWait());
    ChangeReader reader = channels.queue() != null
        ? new QueueReader(from, new SyncQueue(channels.queue()), target, workers, metrics, config.workers())
        : new FeedReader(source, feed, maps::current, target, workers, metrics, config.workers());
    Backfiller backfiller = new Backfiller(owner, source, new Resources(fhir), maps::current, preparer, target,
        metrics, config);
    WriteBack writeBack = new WriteBack(source, new Resources(fhir), new Updates(fhir), maps::current, mapper, preparer,
        target, config, registry);
    active = new Active(reader, threads.start("reader", "sync-feed", reader), workers, backfiller,
        threads.start("backfill", "sync-backfill", backfiller), writeBack,
        threads.start("writeBack", "sync-write-back", writeBack), threads);
    log.info("Sync agent is active source={}", source);
  }

  private synchronized void deactivate() {
    if (active == null) {
      return;
    }
    active.reader().stop();
    active.readerThread().interrupt();
    active.backfiller().stop();
    active.backfillThread().interrupt();
    active.writeBack().stop();
    active.writeBackThread().interrupt();
    join(active.readerThread());
    join(active.backfillThread());
    join(active.writeBackThread());
    active.workers().close();
    try {
      target.backfills().release(owner);
    } catch (SQLException e) {
      log.debug("Back-fills not released; their lease runs out: {}", e.getMessage());
    }
    active = null;
  }

  private static void join(Thread thread) {
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void purgeLog() {
    try {
      int purged = target.purgeLog(LOG_KEPT);
      if (purged > 0) {
        log.info("Sync log purged rows={} olderThanDays={}", purged, LOG_KEPT.toDays());
      }
    } catch (SQLException e) {
      log.debug("Sync log not purged: {}", e.getMessage());
    }
  }

  /**
   * Queues a back-fill of {@code types}, in that order (every synced type when empty, referenced types first:
   * {@link BackfillOrder}), which the active agent runs.
   *
   * @throws IllegalArgumentException when a type is not synced
   */
  public UUID backfill(List<String> types) throws SQLException {
    readiness.require();
    MapSet current = maps.current();
    List<String> chosen = types.isEmpty() ? BackfillOrder.of(current.types()) : types;
    for (String type : chosen) {
      if (current.root(type) == null) {
        throw new IllegalArgumentException(type + " is not a synced type; the maps sync " + current.types());
      }
    }
    UUID id = target.backfills().queue(chosen);
    log.info("Sync back-fill queued job={} types={}", id, chosen);
    return id;
  }

  /** The back-fill of this id, whether or not it is among the latest that the status lists. */
  public Optional<SyncStatus.Backfill> backfillJob(UUID id) throws SQLException {
    readiness.require();
    return target.backfills().job(id).map(SyncAgent::backfill);
  }

  private static SyncStatus.Backfill backfill(BackfillJobs.Job job) {
    return new SyncStatus.Backfill(job.id().toString(), job.status(), job.types(), job.done(), job.total(),
        job.error(), job.updated().toString());
  }

  /** Dead letters in their changes' order; only {@code id} when given. */
  public List<DeadLetter> deadLetters(Long id, int limit) throws SQLException {
    readiness.require();
    return target.deadLetters(id, limit);
  }

  /** Replays every dead letter, or only {@code id}, here and now. */
  public ReplayResult replay(Long id) throws SQLException {
    readiness.require();
    return new Replayer(maps::current, preparer, target, metrics).replay(id);
  }

  /** The rows whose changes write-back left for the operator, oldest first; only change {@code id}'s if given. */
  public List<LeftRowChanges.Left> leftRowChanges(Long id, int limit) throws SQLException {
    readiness.require();
    return target.leftRowChanges().list(id, limit);
  }

  /** Gives the changes left for the operator (all, or the row's of change {@code id}) back to write-back: how many. */
  public int retryLeftRowChanges(Long id) throws SQLException {
    readiness.require();
    return target.leftRowChanges().retry(id);
  }

  /** Deletes the changes left for the operator (all, or the row's of change {@code id}); returns how many. */
  public int discardLeftRowChanges(Long id) throws SQLException {
    readiness.require();
    return target.leftRowChanges().discard(id);
  }

  /** What the agent does; while the target cannot be read, its back-fills are left out and the status says why. */
  public SyncStatus status() {
    MapSet current = maps.current();
    String targetProblem = readiness.error();
    List<SyncStatus.Backfill> backfills = new ArrayList<>();
    long writeBackLeft = 0;
    if (targetProblem == null) {
      try {
        readiness.require();
        target.backfills().recent(10).forEach(job -> backfills.add(backfill(job)));
        writeBackLeft = target.rowChanges().leftCount();
      } catch (SQLException e) {
        targetProblem = Failures.describe(e);
      }
    }
    SyncStatus.Source feed = new SyncStatus.Source(source, metrics.position(), metrics.applied(),
        metrics.caughtUp(), metrics.pending(), metrics.lagSeconds(), metrics.sourceError());
    SyncStatus.Maps loaded = new SyncStatus.Maps(current.origin(), current.all().size(), List.copyOf(current.types()),
        maps.loadedAt().toString(), maps.error());
    return new SyncStatus(active != null ? "active" : "standby", List.of(feed),
        new SyncStatus.Target(target.database().schema(), targetProblem), metrics.written(), metrics.skipped(),
        metrics.rate(), metrics.failures(), metrics.lastError(), metrics.deadLetters(), writeBackLeft, loaded,
        backfills);
  }

  /**
   * The sides the agent needs that are down now, each with why: {@code target} (its database), {@code source}
   * (the FHIR server or the queue it reads, once its reads have failed for {@code --sync-unhealthy-after}, saying
   * since when), {@code checkpoint} (the workers' position in the target, once the reader's reads of it, or the
   * workers' writes of it, have failed as long), and each part of the active agent that an Error ended ({@code reader}, {@code workers},
   * {@code backfill}, {@code writeBack}: {@link EndedThreads}); empty while it can sync.
   */
  public Map<String, String> down() {
    Map<String, String> down = new LinkedHashMap<>();
    String targetProblem = readiness.error();
    if (targetProblem != null) {
      down.put("target", targetProblem);
    }
    String source = metrics.sourceDown(config.unhealthyAfter());
    if (source != null) {
      down.put("source", source);
    }
    String checkpoint = metrics.checkpointDown(config.unhealthyAfter());
    if (checkpoint != null) {
      down.put("checkpoint", checkpoint);
    }
    Active now = active;
    if (now != null) {
      down.putAll(now.threads().why());
    }
    return down;
  }

  /** The maps in force. */
  public MapSet maps() {
    return maps.current();
  }

  @Override
  public void close() {
    running = false;
    supervisor.interrupt();
    join(supervisor);
    deactivate();
    maps.close();
    leadership.close();
    target.close();
    log.info("Sync agent stopped");
  }
}
