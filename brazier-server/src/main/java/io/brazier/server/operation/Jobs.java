package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Outcomes;
import io.brazier.server.Caller;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.Job;
import io.brazier.store.JobHeartbeat;
import io.brazier.store.JobStore;
import io.brazier.store.StoreFailure;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background jobs of the FHIR asynchronous pattern (https://hl7.org/fhir/R4/async.html), kept in the database that all
 * nodes share ({@link JobStore}), so that any node answers a poll and a restart forgets nothing. Each node runs one
 * job at a time on a background thread (two reindexes never compete on one node), and a kind registered with runners
 * of its own (exports, which may run for hours) runs on those, beside it: a runner claims a queued job of a kind it
 * knows, or one whose node stopped renewing its lease (that node died), and runs its work from the cursor the job last
 * recorded. The work records progress and cursor as it goes, which renews the lease and tells the work to stop when
 * the job was cancelled or taken over. On close, a running job is queued again for the next runner.
 */
public final class Jobs implements AutoCloseable {
  /** How long a job stays with its node without a heartbeat; work records progress every few hundred ms. */
  public static final Duration LEASE = Duration.ofSeconds(30);
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);
  /** How often an idle runner looks for jobs submitted on other nodes or left by a dead one. */
  private static final long IDLE_NANOS = 1_000_000_000L;
  private static final long AWAIT_MILLIS = 50;
  /** How long an ended job (done, failed, cancelled) stays for its client to fetch; purged when idle, hourly. */
  static final Duration KEPT = Duration.ofDays(7);
  private static final long PURGE_NANOS = Duration.ofHours(1).toNanos();
  /** When a client polling a running job should ask again. */
  private static final String RETRY_AFTER_SECONDS = "2";
  private static final String WORK_STAYS = "what it did before stays.";

  private final JobStore store;
  private final Fhir fhir;
  private final Duration lease;
  private final String owner = host() + "/" + UUID.randomUUID();
  private final Map<String, Work> kinds = new ConcurrentHashMap<>();
  /** The kinds the first runner takes: those registered without runners of their own. */
  private final Set<String> shared = ConcurrentHashMap.newKeySet();
  private final List<Thread> runners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private long purged = System.nanoTime() - PURGE_NANOS;

  public Jobs(JobStore store, Fhir fhir, Duration lease) {
    this.store = store;
    this.fhir = fhir;
    this.lease = lease;
    runners.add(runner("brazier-jobs", shared, true));
  }

  /**
   * The work of a kind of job: it records progress as it goes, and stops early when told to. Every node registers
   * every kind, as any node answers a poll of any job.
   */
  @FunctionalInterface
  public interface Work {
    /** Does the work; returns its result, kept with the job for {@link #answer}: a FHIR resource's JSON by default. */
    byte[] run(Run run);

    /** What a poll of the done job answers: by default its result, a FHIR resource. */
    default FhirResponse answer(Job job, Fhir fhir) {
      return FhirResponse.ok((Resource) fhir.jsonParser().parseResource(new ByteArrayInputStream(job.result())));
    }

    /** What a poll answers in {@code X-Progress} while the job waits or runs. */
    default String progress(Job job) {
      return Jobs.progress(job);
    }

    /** What a poll of the failed job answers: by default, {@code failure}, its status and OperationOutcome. */
    default FhirResponse failed(Job job, FhirException failure) {
      throw failure;
    }

    /** What a poll of the cancelled job answers: by default, that there is no such job any more. */
    default FhirResponse cancelled(Job job) {
      throw new FhirException(404, IssueType.NOTFOUND, "Job " + job.id() + " was cancelled.");
    }

    /** A file the job's result links to ({@code [base]/_async/[id]/[name]}); by default there is none. */
    default FhirResponse file(Job job, String name) {
      throw new FhirException(404, IssueType.NOTFOUND, "Job " + job.id() + " has no file " + name + ".");
    }

    /**
     * Whether a DELETE of the ended job cancels it all the same (an export's files are then deleted); when not, that
     * DELETE is a 409 and the job keeps its answer.
     */
    default boolean cancelsEnded() {
      return true;
    }

    /** Drops what the job made (its files), once it is cancelled; by default it made nothing to drop. */
    default void discard(Job job) {
      // nothing kept outside the job table
    }

    /** What a cancel tells the client became of the job's work: by default, that what it did stays. */
    default String afterCancel() {
      return WORK_STAYS;
    }
  }

  /**
   * Runs jobs of {@code kind} on this node with {@code work}, one at a time with the other kinds so registered;
   * register every kind before {@link #start}.
   */
  public Jobs register(String kind, Work work) {
    kinds.put(kind, work);
    shared.add(kind);
    return this;
  }

  /** Runs jobs of {@code kind} with {@code work} on {@code count} runners of their own, beside the others. */
  public Jobs register(String kind, Work work, int count) {
    kinds.put(kind, work);
    for (int i = 1; i <= count; i++) {
      runners.add(runner("brazier-jobs-" + kind + "-" + i, Set.of(kind), false));
    }
    return this;
  }

  public Jobs start() {
    runners.forEach(Thread::start);
    return this;
  }

  /**
   * Queues a job ({@code request} is a JSON object, all the work needs) that {@code submitter} asked for; returns its
   * id. The job records who submitted it ({@link Caller#identity()}) beside its request.
   */
  public String submit(String kind, String request, Caller submitter) {
    String id = store.submit(kind, request, submitter.identity());
    runners.forEach(LockSupport::unpark);
    return id;
  }

  /**
   * Queues a job, as {@link #submit(String, String, Caller)}, unless {@code mostActive} jobs of its kind are queued or
   * running on any node; empty when they are.
   */
  public Optional<String> submit(String kind, String request, Caller submitter, int mostActive) {
    return submit(kind, request, submitter, mostActive, null);
  }

  /**
   * Queues a job, as {@link #submit(String, String, Caller, int)}, unless a job of its kind by the same caller whose
   * request contains {@code twin} (a JSON object) is queued or running, on any node: then that job's id.
   */
  public Optional<String> submit(String kind, String request, Caller submitter, int mostActive, String twin) {
    Optional<String> id = store.submit(kind, request, submitter.identity(), mostActive, twin);
    id.ifPresent(submitted -> runners.forEach(LockSupport::unpark));
    return id;
  }

  /**
   * What makes two kick-offs the same job, kept in its request for {@link #submit(String, String, Caller, int,
   * String)} and {@link #activeTwin} to match: a hash (SHA-256, hex) of {@code normalised}, a text of what they ask
   * that does not depend on how a client wrote it.
   */
  public static String twin(String normalised) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(normalised.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /**
   * The job of {@code kind} by the same caller whose request contains {@code twin} (a JSON object), while it is
   * queued or running on any node; empty when there is none.
   */
  public Optional<String> activeTwin(String kind, Caller submitter, String twin) {
    return store.twin(kind, submitter.identity(), twin);
  }

  public Job get(String id) {
    return store.read(id).orElseThrow(() -> unknown(id));
  }

  /**
   * A job that {@code request} may follow (poll, fetch the files of, cancel): a job someone submitted (on a server
   * with authentication) only by the same caller, so that no other client learns what it holds; under a restriction
   * only the caller's own, as what others' jobs did was not kept to that restriction; any other job on a server
   * without authentication. 404 otherwise, as for a job that does not exist.
   */
  public Job get(String id, FhirRequest request) {
    Job job = get(id);
    String caller = request.caller().identity();
    boolean owned = job.submitter() != null || request.restriction() != null;
    if (owned && (caller == null || !caller.equals(job.submitter()))) {
      throw unknown(id);
    }
    return job;
  }

  /**
   * Cancels a job: its runner stops at its next step, and its kind drops what it made; returns what became of its
   * work, for the client. An ended job is cancelled too (an export's client says it is finished with it), unless
   * its kind keeps its answer: then it is a 409.
   */
  public String cancel(String id) {
    Job job = get(id);
    Work work = kinds.get(job.kind());
    if (job.finished() && work != null && !work.cancelsEnded()) {
      throw FhirException.conflict("Job " + id + " has ended (" + job.status().code() + "): there is nothing to"
          + " cancel.");
    }
    if (job.status() == Job.Status.CANCELLED) {
      throw new FhirException(404, IssueType.NOTFOUND, "Job " + id + " was cancelled already.");
    }
    if (!store.cancel(id)) {
      throw unknown(id);
    }
    if (work == null) {
      return WORK_STAYS;
    }
    work.discard(job);
    return work.afterCancel();
  }

  /** A file a job's result links to, as its kind serves it. */
  public FhirResponse file(String id, String name) {
    Job job = get(id);
    Work work = kinds.get(job.kind());
    if (work == null) {
      throw unknown(id);
    }
    return work.file(job, name);
  }

  /**
   * Waits until a job ends, for a client that asked to wait; empty when the wait is interrupted, this node closes,
   * or {@code limit} passes (the client then polls).
   */
  public Optional<Job> await(String id, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Job job = get(id); ; job = get(id)) {
      if (job.finished()) {
        return Optional.of(job);
      }
      if (closed || System.nanoTime() > deadline) {
        return Optional.empty();
      }
      try {
        Thread.sleep(AWAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  /**
   * What a poll of a job answers: 202 with its progress while it waits or runs; once ended, its kind's answer: its
   * result, or when it failed (by default) the failure's status and OperationOutcome, or when it was cancelled (by
   * default) 404.
   */
  public FhirResponse answer(Job job) {
    Work work = kinds.get(job.kind());
    if (!job.finished()) {
      return FhirResponse.empty(202).header("X-Progress", work == null ? progress(job) : work.progress(job))
          .header("Retry-After", RETRY_AFTER_SECONDS);
    }
    return switch (job.status()) {
      case DONE -> work.answer(job, fhir);
      case FAILED -> {
        FhirException failure = new FhirException(job.errorStatus(),
            (OperationOutcome) fhir.jsonParser().parseResource(new ByteArrayInputStream(job.error())));
        if (work == null) {
          throw failure;
        }
        yield work.failed(job, failure);
      }
      default -> {
        if (work == null) {
          throw new FhirException(404, IssueType.NOTFOUND, "Job " + job.id() + " was cancelled.");
        }
        yield work.cancelled(job);
      }
    };
  }

  /** Progress in numbers: {@code running: 5 of 10 done}. */
  static String progress(Job job) {
    return job.status().code() + ": " + job.done() + (job.total() == null ? "" : " of " + job.total()) + " done";
  }

  private static FhirException unknown(String id) {
    return new FhirException(404, IssueType.NOTFOUND, "There is no job " + id + ".");
  }

  /** A claimed job, as its work sees it. */
  public final class Run {
    private final Job job;
    private volatile boolean lost;

    Run(Job job) {
      this.job = job;
    }

    public String id() {
      return job.id();
    }

    /** What the job was asked to do (JSON), as its submitter's operation wrote it. */
    public String request() {
      return job.request();
    }

    /** Where a previous runner got to (JSON), or null for a fresh start. */
    public String cursor() {
      return job.cursor();
    }

    /** How much a previous runner had done. */
    public long done() {
      return job.done();
    }

    /**
     * Progress to record in the same transaction as the work it describes, so that both commit or neither: what
     * is done, the cursor to resume from, and a new lease, recorded only while this runner holds the job.
     */
    public JobHeartbeat heartbeat(long done, Long total, String cursor) {
      return new JobHeartbeat(job.id(), owner, done, total, cursor, lease);
    }

    /** Tells the run that a heartbeat recorded with the work found the job lost: it stops at its next step. */
    public void lost() {
      lost = true;
    }

    /** Records how much is done (of {@code total}, when known) and where to resume; renews the lease. */
    public void progress(long done, Long total, String cursor) {
      if (!store.heartbeat(job.id(), owner, done, total, cursor, lease)) {
        lost = true;
      }
    }

    /** Whether the work should stop: the job was cancelled or taken over, or this node is shutting down. */
    public boolean stopped() {
      return lost || closed;
    }
  }

  private Thread runner(String name, Set<String> runs, boolean purges) {
    Thread thread = new Thread(() -> runJobs(runs, purges), name);
    thread.setDaemon(true);
    return thread;
  }

  private void runJobs(Set<String> runs, boolean purges) {
    while (!closed) {
      try {
        Optional<Job> claimed = store.claim(owner, runs, lease);
        if (claimed.isPresent()) {
          run(claimed.get());
        } else {
          if (purges) {
            purgeEnded();
          }
          LockSupport.parkNanos(IDLE_NANOS);
        }
      } catch (StoreFailure e) {
        // The job, if any, keeps its lease until it runs out, and is then claimed again.
        log.warn("Job runner could not reach the database, retrying in 1 s: {}", e.getMessage());
        LockSupport.parkNanos(IDLE_NANOS);
      } catch (RuntimeException | Error e) {
        // The runner outlives anything a job throws: the job is claimed again once its lease runs out.
        log.error("Job runner failed, going on in 1 s", e);
        LockSupport.parkNanos(IDLE_NANOS);
      }
    }
  }

  private void purgeEnded() {
    if (System.nanoTime() - purged >= PURGE_NANOS) {
      purged = System.nanoTime();
      int count = store.purge(KEPT);
      if (count > 0) {
        log.info("Purged ended jobs count={} olderThan={}", count, KEPT);
      }
    }
  }

  private void run(Job job) {
    log.info("Job started id={} kind={} resumed={}", job.id(), job.kind(), job.cursor() != null);
    long started = System.nanoTime();
    try {
      byte[] result = kinds.get(job.kind()).run(new Run(job));
      long ms = (System.nanoTime() - started) / 1_000_000;
      if (closed) {
        store.release(job.id(), owner);
        log.info("Job queued again, this node stops id={} kind={} ms={}", job.id(), job.kind(), ms);
      } else if (store.finish(job.id(), owner, result)) {
        log.info("Job done id={} kind={} ms={}", job.id(), job.kind(), ms);
      } else if (store.read(job.id()).map(now -> now.status() == Job.Status.CANCELLED).orElse(true)) {
        // cancelled while it ran: drop what it made after the cancel dropped the rest
        kinds.get(job.kind()).discard(job);
        log.info("Job cancelled id={} kind={} ms={}", job.id(), job.kind(), ms);
      } else {
        log.info("Job taken over by another node id={} kind={} ms={}", job.id(), job.kind(), ms);
      }
    } catch (FhirException e) {
      // What the request asked cannot be done (a type holds resources, say): its client reads why, no stack trace.
      log.info("Job failed id={} kind={} status={}: {}", job.id(), job.kind(), e.status(), e.getMessage());
      store.fail(job.id(), owner, e.status(), fhir.encode(Format.JSON, e.outcome(), false));
    } catch (StoreFailure e) {
      if (e.isUnavailable()) {
        throw e;
      }
      failed(job, e);
    } catch (RuntimeException e) {
      failed(job, e);
    }
  }

  private void failed(Job job, RuntimeException e) {
    String incident = UUID.randomUUID().toString();
    log.error("Job failed incident={} id={} kind={}", incident, job.id(), job.kind(), e);
    store.fail(job.id(), owner, 500, fhir.encode(Format.JSON,
        Outcomes.error(IssueType.EXCEPTION, "The job failed, incident " + incident), false));
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }

  /** Stops the runner; its job, if any, stops at its next step and is queued again for another runner. */
  @Override
  public void close() {
    closed = true;
    runners.forEach(LockSupport::unpark);
    try {
      for (Thread runner : runners) {
        runner.join(LEASE.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
