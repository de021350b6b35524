package io.brazier.server.operation;

import io.brazier.fhir.ControlCharacters;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR $validate: POST [base]/$validate (the type is the body's), POST [base]/[type]/$validate and
 * GET|POST [base]/[type]/[id]/$validate (without a resource, the stored one). HAPI's validator checks the resource against the base R4 definitions, the profiles it claims or the
 * request names, and the definitions stored in this server. The answer is 200 with its OperationOutcome, valid or
 * not; only a request that cannot be understood is an error. Mode delete checks only that the resource exists.
 * https://hl7.org/fhir/R4/resource-operation-validate.html
 */
public final class Validate implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("validate", "http://hl7.org/fhir/OperationDefinition/Resource-validate");
  private static final List<String> MODES = List.of("create", "update", "delete");

  private final Fhir fhir;
  private final Reachable reachable;
  private final Validator validator;

  public Validate(Fhir fhir, Store store, Reachable reachable) {
    this.fhir = fhir;
    this.reachable = reachable;
    this.validator = new Validator(fhir, store);
  }

  /**
   * Loads the validator's definitions in the background once the process is quiet (no request of {@code requests}
   * open, little CPU used), so that the first $validate need not wait.
   */
  public void warmUp(RequestsInFlight requests) {
    validator.warmUpWhenQuiet(Quiet.ofThisProcess(requests));
  }

  /**
   * Validates a resource given as JSON or XML text against the base definitions and {@code profiles}: one the server
   * does not hold is an error. For writes that ask for it ({@code ProfileValidationOnWrite}): one validator serves
   * both.
   */
  public OperationOutcome validate(String resource, List<String> profiles) {
    return validator.validate(resource, profiles);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    ValidateInput input = ValidateInput.read(fhir, request);
    if (input.mode() != null && !MODES.contains(input.mode())) {
      throw FhirException.badRequest("'" + input.mode() + "' is not a mode of $validate: use "
          + String.join(", ", MODES) + ".");
    }
    if ("delete".equals(input.mode())) {
      return FhirResponse.ok(deletable(request));
    }
    Resource resource = input.resource();
    String urlType = request.segments().size() > 1 ? request.type() : null;
    if (resource != null && urlType != null && !resource.fhirType().equals(urlType)) {
      throw FhirException.badRequest("The resource is a " + resource.fhirType() + " but the URL names "
          + urlType + ".");
    }
    String text = resource != null ? input.text() : new String(stored(request).json(), StandardCharsets.UTF_8);
    OperationOutcome outcome = validator.validate(text, input.profiles());
    input.parseIssues().forEach(outcome::addIssue);
    controlCharacters(text, outcome);
    if ("update".equals(input.mode()) && resource != null) {
      checkUpdateId(id(request), resource, outcome);
    }
    return FhirResponse.ok(outcome);
  }

  /** What a write refuses, whatever the profiles say (the validator only warns): a control character in a string. */
  private static void controlCharacters(String json, OperationOutcome outcome) {
    try {
      ControlCharacters.check(json.getBytes(StandardCharsets.UTF_8));
    } catch (FhirException e) {
      e.outcome().getIssue().forEach(outcome::addIssue);
    }
  }

  /** The stored resource an instance-level request without a resource validates. */
  private ResourceVersion stored(FhirRequest request) {
    if (id(request) == null) {
      throw FhirException.badRequest("$validate needs a resource: send it as the body or as the 'resource' parameter.");
    }
    ResourceVersion current = current(request);
    if (current.deleted()) {
      throw FhirException.gone(request.type(), request.id());
    }
    return current;
  }

  private OperationOutcome deletable(FhirRequest request) {
    if (id(request) == null) {
      throw FhirException.badRequest("mode=delete checks the deletion of one resource: use [type]/[id]/$validate.");
    }
    String name = request.type() + "/" + request.id();
    return Outcomes.information(current(request).deleted()
        ? name + " is already deleted; deleting it again changes nothing." : name + " may be deleted.");
  }

  /** The stored resource, as a read finds it: one outside the request's restriction is not known (404). */
  private ResourceVersion current(FhirRequest request) {
    return reachable.current(request.restriction(), request.type(), request.id())
        .orElseThrow(() -> FhirException.notFound(request.type(), request.id()));
  }

  /** The id of [type]/[id]/$validate; null at type level. */
  private static String id(FhirRequest request) {
    return request.segments().size() == 3 ? request.id() : null;
  }

  /** An update carries the id of the resource it replaces, as {@code Update} demands. */
  private static void checkUpdateId(String urlId, Resource resource, OperationOutcome outcome) {
    String bodyId = resource.getIdElement().getIdPart();
    if (bodyId == null) {
      addError(outcome, resource, "An update needs the id of the resource it replaces.");
    } else if (urlId != null && !bodyId.equals(urlId)) {
      addError(outcome, resource, "The resource's id " + bodyId + " does not match the id " + urlId + " of the URL.");
    }
  }

  private static void addError(OperationOutcome outcome, Resource resource, String diagnostics) {
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.INVALID).setDiagnostics(diagnostics)
        .addExpression(resource.fhirType() + ".id");
  }
}
