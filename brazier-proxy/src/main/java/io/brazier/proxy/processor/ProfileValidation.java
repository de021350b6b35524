package io.brazier.proxy.processor;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.InstanceValidator;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.Step;
import io.brazier.proxy.processor.ProfilePolicy.Rule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.Resource;

/**
 * {@code profile-validation}, a pre-processor: each resource a client creates or updates (POST, PUT), and each
 * resource of a batch or transaction, is validated in process by HAPI's validator against the profiles the policy
 * names for its type; one that fails is refused with 400 and the validator's OperationOutcome, and nothing of its
 * request is written. Errors always fail, warnings as the policy says, information never. A PATCH is not
 * validated: the resource it makes exists only once the server applies it.
 */
final class ProfileValidation implements Processor {
  private final Fhir fhir;
  private final InstanceValidator validator;
  private final ProfilePolicy policy;

  ProfileValidation(Fhir fhir, InstanceValidator validator, ProfilePolicy policy) {
    this.fhir = fhir;
    this.validator = validator;
    this.policy = policy;
  }

  @Override
  public Step before(ProxyRequest request) {
    boolean write = request.method().equals("POST") || request.method().equals("PUT");
    if (!write || request.body() == null) {
      return Step.proceed(request);
    }
    if (request.segments().isEmpty()) {
      checkEntries(request);
    } else if (isResourcePath(request)) {
      policy.of(request.segment(0)).ifPresent(rule ->
          check(new String(request.body(), StandardCharsets.UTF_8), rule, ""));
    }
    return Step.proceed(request);
  }

  /** {@code Type} or {@code Type/id}: not an operation, {@code _search} or history. */
  private static boolean isResourcePath(ProxyRequest request) {
    return request.segments().size() <= 2 && request.segments().stream().noneMatch(s -> s.startsWith("$")
        || s.startsWith("_"));
  }

  private void checkEntries(ProxyRequest request) {
    Bundle bundle = bundle(request);
    if (bundle == null) {
      return; // not a Bundle: the server answers it as it would without the processor
    }
    List<BundleEntryComponent> entries = bundle.getEntry();
    for (int i = 0; i < entries.size(); i++) {
      Resource resource = entries.get(i).getResource();
      Optional<Rule> rule = resource == null ? Optional.empty() : policy.of(resource.fhirType());
      if (rule.isPresent()) {
        check(fhir.jsonParser().encodeResourceToString(resource), rule.get(), "Bundle.entry[" + i + "]: ");
      }
    }
  }

  private Bundle bundle(ProxyRequest request) {
    String contentType = request.header("Content-Type");
    IParser parser = contentType != null && contentType.contains("xml") ? fhir.context().newXmlParser()
        : fhir.jsonParser();
    try {
      return parser.parseResource(new String(request.body(), StandardCharsets.UTF_8)) instanceof Bundle bundle
          ? bundle : null;
    } catch (DataFormatException e) {
      return null; // unreadable: the server refuses it with its own outcome
    }
  }

  private void check(String resource, Rule rule, String where) {
    OperationOutcome outcome = validator.validate(resource, rule.profiles());
    boolean fails = outcome.getIssue().stream().anyMatch(issue -> fails(issue, rule));
    if (fails) {
      outcome.getIssue().forEach(issue -> issue.setDiagnostics(where + issue.getDiagnostics()));
      throw new FhirException(400, outcome);
    }
  }

  private static boolean fails(OperationOutcomeIssueComponent issue, Rule rule) {
    return switch (issue.getSeverity()) {
      case FATAL, ERROR -> true;
      case WARNING -> !rule.warningsPass();
      default -> false;
    };
  }
}
