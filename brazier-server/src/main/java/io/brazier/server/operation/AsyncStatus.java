package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.store.Job;
import java.io.ByteArrayInputStream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The status of an asynchronous request: GET [base]/_async/[id] answers 202 with X-Progress while the job waits or
 * runs, and the job's result (or its failure's OperationOutcome) when it has ended; DELETE cancels it, after which it
 * is not found. Jobs are in the database, so any node answers. https://hl7.org/fhir/R4/async.html
 */
public final class AsyncStatus implements Interaction {
  private final Fhir fhir;
  private final Jobs jobs;

  public AsyncStatus(Fhir fhir, Jobs jobs) {
    this.fhir = fhir;
    this.jobs = jobs;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    String id = request.segment(1);
    if (request.method().equals("DELETE")) {
      jobs.cancel(id);
      return FhirResponse.of(202, Outcomes.information("Job " + id + " is cancelled."));
    }
    Job job = jobs.get(id);
    if (!job.finished()) {
      String total = job.total() == null ? "" : " of " + job.total();
      return FhirResponse.empty(202).header("X-Progress", job.status().code() + ": " + job.done() + total + " done");
    }
    return answer(fhir, job);
  }

  /** The answer of an ended job: its result, or its failure. */
  static FhirResponse answer(Fhir fhir, Job job) {
    return switch (job.status()) {
      case DONE -> FhirResponse.ok(parse(fhir, job.result()));
      case FAILED -> throw new FhirException(job.errorStatus(), (OperationOutcome) parse(fhir, job.error()));
      default -> throw new FhirException(404, IssueType.NOTFOUND, "Job " + job.id() + " was cancelled.");
    };
  }

  /** Bytes a runner encoded: parsed as they are, without the checks a client's input gets. */
  private static Resource parse(Fhir fhir, byte[] json) {
    return (Resource) fhir.jsonParser().parseResource(new ByteArrayInputStream(json));
  }
}
