package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.FhirRequest;
import io.brazier.server.ServerConfig;
import io.brazier.server.http.Body;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;

/**
 * Profile validation of what a create (POST) or an update (PUT) writes, as Microsoft's FHIR server has it: asked
 * for by the header {@code x-ms-profile-validation: true}, or always (--profile-validation-on-create and
 * --profile-validation-on-update, its ProfileValidationOnCreate/Update), which {@code x-ms-profile-validation: false}
 * turns off for one request. The resource is checked by $validate's validator against the base definitions and
 * every profile of its {@code meta.profile}; one the server does not hold is an error, as Microsoft's validator
 * cannot resolve it. An error fails the write with 422 and the validator's OperationOutcome, and with {@code Prefer:
 * handling=strict} a warning does too. Unasked, nothing is validated.
 */
public final class ProfileValidationOnWrite {
  /** Microsoft's header. */
  public static final String HEADER = "x-ms-profile-validation";

  private final BiFunction<String, List<String>, OperationOutcome> validator;
  private final ServerConfig.ProfileValidation always;

  /** @param validator $validate's: a resource as JSON text and the profiles to check it against */
  public ProfileValidationOnWrite(BiFunction<String, List<String>, OperationOutcome> validator,
      ServerConfig.ProfileValidation always) {
    this.validator = validator;
    this.always = always;
  }

  /** Refuses (422) {@code write} of a create ({@code creating}) or an update when asked to and it is not valid. */
  void check(FhirRequest request, Write write, boolean creating) {
    if (!asked(request, creating)) {
      return;
    }
    OperationOutcome outcome = validator.apply(new String(write.json(), StandardCharsets.UTF_8), profiles(write));
    boolean strict = request.prefer().strict();
    if (outcome.getIssue().stream().anyMatch(issue -> fails(issue, strict))) {
      throw new FhirException(422, outcome);
    }
  }

  /** The header when it says true or false (anything else is not read, as Microsoft's server does), else the flag. */
  private boolean asked(FhirRequest request, boolean creating) {
    String header = request.header(HEADER);
    if (header != null && (header.trim().equalsIgnoreCase("true") || header.trim().equalsIgnoreCase("false"))) {
      return header.trim().equalsIgnoreCase("true");
    }
    return creating ? always.onCreate() : always.onUpdate();
  }

  private static List<String> profiles(Write write) {
    List<String> profiles = new ArrayList<>();
    Body.read(write.json()).path("meta").path("profile").forEach(profile -> profiles.add(profile.asText()));
    return profiles;
  }

  private static boolean fails(OperationOutcomeIssueComponent issue, boolean strict) {
    IssueSeverity severity = issue.getSeverity();
    return severity == IssueSeverity.ERROR || severity == IssueSeverity.FATAL
        || strict && severity == IssueSeverity.WARNING;
  }
}
