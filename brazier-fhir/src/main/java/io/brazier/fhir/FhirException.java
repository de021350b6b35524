package io.brazier.fhir;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.StringType;

/**
 * An expected failure of a FHIR request: it carries the HTTP status and the OperationOutcome that explains it. One
 * handler renders every one of them, so nothing else builds error responses.
 */
public final class FhirException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final transient OperationOutcome outcome;
  private final transient Map<String, String> headers;

  public FhirException(int status, IssueType type, String message) {
    this(status, Outcomes.error(type, message));
  }

  public FhirException(int status, OperationOutcome outcome) {
    this(status, outcome, Map.of());
  }

  private FhirException(int status, OperationOutcome outcome, Map<String, String> headers) {
    super(outcome.getIssueFirstRep().getDiagnostics(), null, false, false);
    this.status = status;
    this.outcome = outcome;
    this.headers = headers;
  }

  public int status() {
    return status;
  }

  public OperationOutcome outcome() {
    return outcome;
  }

  /** The headers its answer carries besides the OperationOutcome, such as the {@code Allow} of a 405. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The same failure, its answer carrying header {@code name}. */
  public FhirException withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new FhirException(status, outcome, Map.copyOf(more));
  }

  /**
   * The same failure, located: every issue gets {@code expression} (such as {@code Bundle.entry[3]}) and its
   * diagnostics say where, so a client can tell which part of a large request failed.
   */
  public FhirException at(String expression) {
    OperationOutcome located = outcome.copy();
    for (OperationOutcome.OperationOutcomeIssueComponent issue : located.getIssue()) {
      issue.getExpression().add(0, new StringType(expression));
      issue.setDiagnostics(expression + ": " + issue.getDiagnostics());
    }
    return new FhirException(status, located, headers);
  }

  public static FhirException badRequest(String message) {
    return new FhirException(400, IssueType.INVALID, message);
  }

  public static FhirException invalid(String message) {
    return new FhirException(400, IssueType.STRUCTURE, message);
  }

  public static FhirException notSupported(String message) {
    return new FhirException(400, IssueType.NOTSUPPORTED, message);
  }

  public static FhirException unknownType(String type) {
    return new FhirException(404, IssueType.NOTSUPPORTED, "Resource type '" + type + "' is not known to FHIR R4.");
  }

  public static FhirException notFound(String type, String id) {
    return new FhirException(404, IssueType.NOTFOUND, "Resource " + type + "/" + id + " is not known.");
  }

  public static FhirException versionNotFound(String type, String id, long version) {
    return new FhirException(404, IssueType.NOTFOUND,
        "Version " + version + " of resource " + type + "/" + id + " is not known.");
  }

  public static FhirException gone(String type, String id) {
    return new FhirException(410, IssueType.DELETED, "Resource " + type + "/" + id + " has been deleted.");
  }

  public static FhirException methodNotAllowed(String method, String path) {
    return new FhirException(405, IssueType.NOTSUPPORTED, method + " is not a FHIR interaction on " + path + ".");
  }

  /** 401: the request did not say who sends it, or said it in a way that cannot be believed. */
  public static FhirException unauthorized(String message) {
    return new FhirException(401, IssueType.LOGIN, message);
  }

  /** 403: the caller is known and may not do this. */
  public static FhirException forbidden(String message) {
    return new FhirException(403, IssueType.FORBIDDEN, message);
  }

  public static FhirException conflict(String message) {
    return new FhirException(409, IssueType.CONFLICT, message);
  }

  public static FhirException preconditionFailed(String message) {
    return new FhirException(412, IssueType.CONFLICT, message);
  }

  public static FhirException tooLarge(String message) {
    return new FhirException(413, IssueType.TOOLONG, message);
  }

  public static FhirException unsupportedMediaType(String contentType) {
    return new FhirException(415, IssueType.NOTSUPPORTED, "Content-Type '" + contentType
        + "' is not supported: send application/fhir+json or application/fhir+xml.");
  }

  public static FhirException tooCostly(String message) {
    return new FhirException(400, IssueType.TOOCOSTLY, message);
  }

  public static FhirException unprocessable(String message) {
    return new FhirException(422, IssueType.PROCESSING, message);
  }
}
