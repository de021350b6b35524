package io.brazier.server.operation;

import io.brazier.fhir.FhirException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background jobs of the FHIR asynchronous pattern (https://hl7.org/fhir/R4/async.html): a job runs on one
 * background thread (jobs queue, so two reindexes never compete), counts its progress, and keeps its result for the
 * client to poll. Jobs live in memory: a restart forgets them. The thread is a daemon, so a job never holds up
 * a shutdown (a cut-short reindex is simply run again).
 */
public final class Jobs {
  private static final Logger log = LoggerFactory.getLogger(Jobs.class);

  private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "brazier-jobs");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  /** The work of a job: it reports progress to the job and stops early when the job is cancelled. */
  @FunctionalInterface
  public interface Work {
    Resource run(Job job);
  }

  /** A job's state, as a poll sees it. */
  public static final class Job {
    private final String id;
    private final AtomicLong done = new AtomicLong();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Resource result;
    private volatile FhirException failure;

    Job(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public void progress(long count) {
      done.addAndGet(count);
    }

    public long done() {
      return done.get();
    }

    public boolean cancelled() {
      return cancelled.get();
    }

    public Resource result() {
      return result;
    }

    public FhirException failure() {
      return failure;
    }

    public boolean finished() {
      return result != null || failure != null;
    }
  }

  public Job submit(String name, Work work) {
    Job job = new Job(UUID.randomUUID().toString());
    jobs.put(job.id(), job);
    executor.submit(() -> {
      try {
        job.result = work.run(job);
      } catch (FhirException e) {
        job.failure = e;
      } catch (RuntimeException e) {
        String incident = UUID.randomUUID().toString();
        log.error("Job failed incident={} job={} name={}", incident, job.id(), name, e);
        job.failure = new FhirException(500, IssueType.EXCEPTION, "The job failed, incident " + incident);
      }
    });
    return job;
  }

  public Job get(String id) {
    Job job = jobs.get(id);
    if (job == null) {
      throw new FhirException(404, IssueType.NOTFOUND, "There is no job " + id + " (jobs are kept until restart).");
    }
    return job;
  }

  /** Cancels a job (it stops at its next step) and forgets it. */
  public void cancel(String id) {
    get(id).cancelled.set(true);
    jobs.remove(id);
  }
}
