package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.StoredSearchParameters;
import io.brazier.store.Store;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PUT} (or {@code POST}) {@code SearchParameter/$status}, as Microsoft's FHIR server takes it: a Parameters
 * with, per search parameter, parts {@code url} and {@code status} ({@code Disabled}; {@code Supported} or
 * {@code Enabled} to enable). The statuses are stored, so every node applies them, this one before it answers. The
 * answer is Microsoft's: a batch-response Bundle with a Parameters of the parameters changed, with the status now in
 * effect, and an OperationOutcome ({@code FailedSearchParameterUpdates}) of those left as they were: a url not known
 * (information), a stored SearchParameter the server cannot use, or a common parameter, which the server's own
 * searches need. A disabled parameter is still indexed, so it is {@code Disabled} at once (where Microsoft says
 * {@code PendingDisable} until a reindex removes its rows) and enabled again at once (where Microsoft says
 * {@code Supported} until a reindex fills them).
 */
final class SearchParameterStatusChange {
  private static final Logger log = LoggerFactory.getLogger(SearchParameterStatusChange.class);
  private static final String FAILED = "FailedSearchParameterUpdates";
  /** The bases of the common parameters ({@code _id}, {@code _lastUpdated}, ...), which stay enabled. */
  private static final List<String> COMMON_BASES = List.of("Resource", "DomainResource");

  private final Fhir fhir;
  private final Store store;
  private final SearchParameters parameters;

  SearchParameterStatusChange(Fhir fhir, Store store, SearchParameters parameters) {
    this.fhir = fhir;
    this.store = store;
    this.parameters = parameters;
  }

  FhirResponse handle(FhirRequest request) {
    Map<String, String> requested = requested(request);
    Map<String, String> changes = new LinkedHashMap<>();
    OperationOutcome failed = new OperationOutcome();
    failed.setId(FAILED);
    requested.forEach((url, status) -> refusal(url).ifPresentOrElse(failed::addIssue, () -> changes.put(url, status)));
    if (!changes.isEmpty()) {
      store.setSearchParameterStatuses(changes);
      changes.forEach((url, status) -> log.info("Search parameter status changed url={} status={}", url, status));
    }
    Bundle answer = new Bundle().setType(BundleType.BATCHRESPONSE);
    if (failed.hasIssue()) {
      answer.addEntry().setResource(failed);
    }
    if (!changes.isEmpty()) {
      Parameters changed = new Parameters();
      changes.forEach((url, status) -> changed.addParameter(SearchParameterStatus.entry(url, status)));
      answer.addEntry().setResource(changed);
    }
    return FhirResponse.ok(answer);
  }

  /** The status asked for each url, checked whole before anything is stored: a 400 for a malformed request. */
  private Map<String, String> requested(FhirRequest request) {
    if (!request.hasBody()) {
      throw FhirException.badRequest("$status takes a Parameters body with a url and a status per search parameter.");
    }
    Resource body = fhir.parse(request.bodyFormat(), request.body());
    if (!(body instanceof Parameters given) || !given.hasParameter()) {
      throw FhirException.badRequest("$status takes a Parameters body with a url and a status per search parameter.");
    }
    Map<String, String> requested = new LinkedHashMap<>();
    for (ParametersParameterComponent parameter : given.getParameter()) {
      String url = part(parameter, "url");
      String status = part(parameter, "status");
      if (url == null || status == null) {
        throw FhirException.badRequest("Each parameter of $status needs a url and a status part.");
      }
      requested.put(url, settable(url, status));
    }
    return requested;
  }

  /** Microsoft's names, in any case: Supported (enable, as Microsoft asks it), Enabled, Disabled. */
  private static String settable(String url, String status) {
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "supported", "enabled" -> SearchParameterStatus.ENABLED;
      case "disabled" -> StoredSearchParameters.DISABLED;
      default -> throw FhirException.badRequest("Status '" + status + "' of " + url
          + " cannot be set: use Disabled, or Supported (or Enabled) to enable it.");
    };
  }

  private static String part(ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream().filter(part -> part.getName().equalsIgnoreCase(name) && part.hasValue())
        .map(part -> part.getValue().primitiveValue()).findFirst().orElse(null);
  }

  /** Why the status of a url is left as it is, or empty when it can be set. */
  private Optional<OperationOutcome.OperationOutcomeIssueComponent> refusal(String url) {
    Optional<SearchParam> param = parameters.byUrl(url)
        .filter(known -> !SearchParameters.NOT_SERVED.contains(known.code()));
    if (param.isPresent()) {
      return COMMON_BASES.contains(param.get().base())
          ? Optional.of(issue(IssueSeverity.ERROR, IssueType.NOTSUPPORTED, "Search parameter " + url
              + " is common to every type, and the server's own searches use it: it stays enabled."))
          : Optional.empty();
    }
    String unsupported = parameters.unsupported().get(url);
    return Optional.of(unsupported != null
        ? issue(IssueSeverity.ERROR, IssueType.NOTSUPPORTED, "Search parameter " + url + " is not supported: "
            + unsupported)
        : issue(IssueSeverity.INFORMATION, IssueType.NOTFOUND, "Search parameter " + url + " is not known."));
  }

  private static OperationOutcome.OperationOutcomeIssueComponent issue(IssueSeverity severity, IssueType type,
      String diagnostics) {
    return new OperationOutcome.OperationOutcomeIssueComponent().setSeverity(severity).setCode(type)
        .setDiagnostics(diagnostics);
  }
}
