package io.brazier.server.operation;

import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.store.Job;

/**
 * The status of an asynchronous request: GET [base]/_async/[id] answers 202 with X-Progress and Retry-After while
 * the job waits or runs, and what its kind answers (a resource, a Bulk Data manifest) or its failure's
 * OperationOutcome when it has ended; DELETE cancels it, after which it is not found (unless its kind says what it
 * did before; an ended import is not cancelled: 409). GET [base]/_async/[id]/[file] serves a file its result links
 * to. Under a restriction only the caller's own jobs are known. Jobs are in the database, so any node answers.
 * https://hl7.org/fhir/R4/async.html
 */
public final class AsyncStatus implements Interaction {
  private final Jobs jobs;

  public AsyncStatus(Jobs jobs) {
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    String id = request.segment(1);
    Job job = jobs.get(id, request);
    if (request.segments().size() == 3) {
      return jobs.file(id, request.segment(2));
    }
    if (request.method().equals("DELETE")) {
      return FhirResponse.of(202, Outcomes.information("Job " + id + " is cancelled; " + jobs.cancel(id)));
    }
    return jobs.answer(job);
  }
}
