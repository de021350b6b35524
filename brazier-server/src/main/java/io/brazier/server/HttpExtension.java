package io.brazier.server;

import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Function;

/**
 * HTTP that another module of the process serves beside the FHIR API, on the same port: the proxy's token endpoint,
 * its keys and its SMART configuration, and the check of who may use the operator endpoints ({@code /metrics}).
 */
public interface HttpExtension {

  /** Nothing beside the FHIR API, and the operator endpoints open: a server without authentication. */
  HttpExtension NONE = new HttpExtension() {
    @Override
    public void addRoutes(JavalinDefaultRoutingApi routes, Function<Context, String> baseUrl) {
      // nothing to add
    }

    @Override
    public void checkOperator(Context ctx, String baseUrl) {
      // open
    }
  };

  /**
   * Adds routes. They are added before the FHIR API's, so that a path below the FHIR base they name
   * ({@code /fhir/.well-known/smart-configuration}) is theirs.
   *
   * @param baseUrl the FHIR base URL of a request, as the FHIR API writes it into its answers
   */
  void addRoutes(JavalinDefaultRoutingApi routes, Function<Context, String> baseUrl);

  /**
   * Refuses, by throwing a {@code FhirException} (401, 403), a request to an operator endpoint that its caller may
   * not use; the refusal is answered as an OperationOutcome, with any header the check set on {@code ctx}.
   */
  void checkOperator(Context ctx, String baseUrl);
}
