package io.brazier.server.operation;

import io.brazier.fhir.Outcomes;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.server.interaction.Interaction;

/**
 * The status of an asynchronous request: GET [base]/_async/[id] answers 202 with X-Progress while the job runs and
 * the job's result when done; DELETE cancels it. https://hl7.org/fhir/R4/async.html
 */
public final class AsyncStatus implements Interaction {
  private final Jobs jobs;

  public AsyncStatus(Jobs jobs) {
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    String id = request.segment(1);
    if (request.method().equals("DELETE")) {
      jobs.cancel(id);
      return FhirResponse.of(202, Outcomes.information("Job " + id + " is cancelled."));
    }
    Jobs.Job job = jobs.get(id);
    if (!job.finished()) {
      return FhirResponse.empty(202).header("X-Progress", job.done() + " resources done");
    }
    return result(job);
  }

  private static FhirResponse result(Jobs.Job job) {
    if (job.failure() != null) {
      throw job.failure();
    }
    return FhirResponse.ok(job.result());
  }

  /** Waits for a job a client asked for synchronously, and answers its result. */
  static FhirResponse await(Jobs.Job job) {
    while (!job.finished()) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return FhirResponse.empty(202);
      }
    }
    return result(job);
  }
}
