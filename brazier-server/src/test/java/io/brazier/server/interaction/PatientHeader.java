package io.brazier.server.interaction;

import io.brazier.server.FhirRequest;
import io.brazier.server.Interceptor;
import io.brazier.server.Restriction;
import java.util.List;

/**
 * Patient isolation as the tests set it: a request with the header {@code X-Patient} is restricted to that patient's
 * compartment, as an isolating interceptor of the proxy would restrict it; one without is not restricted.
 */
final class PatientHeader implements Interceptor {
  static final String NAME = "X-Patient";

  @Override
  public FhirRequest before(FhirRequest request) {
    String patient = request.header(NAME);
    return patient == null ? request : request.withRestriction(Restriction.within("Patient", List.of(patient)));
  }
}
