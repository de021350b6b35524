package io.brazier.server;

/**
 * Thrown by an {@link Interceptor}'s {@code before} step that answers a request itself instead of letting the
 * interaction run (the proxy's pre-processors: {@code $everything} for a server without it, say). The interaction
 * does not run, nor do the {@code before} steps after this one; the {@code after} steps of every interceptor see the answer, as they see any other.
 */
public final class InterceptorAnswer extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient FhirRequest request;
  private final transient FhirResponse response;

  /** @param request the request as the answering step received it (its caller known), for the after steps */
  public InterceptorAnswer(FhirRequest request, FhirResponse response) {
    super(null, null, false, false);
    this.request = request;
    this.response = response;
  }

  public FhirRequest request() {
    return request;
  }

  public FhirResponse response() {
    return response;
  }
}
