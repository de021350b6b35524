package io.brazier.server;

/**
 * Runs around every interaction, bundle entries included: authentication, authorization, patient isolation, the
 * proxy's processors, audit. {@link FhirApi} runs the {@code before} steps of its interceptors in order and their
 * {@code after} steps in reverse order, like nested calls, and so does each entry of a batch or transaction.
 *
 * <p>Before the interaction runs, {@link FhirRequest#interaction()} says what it is (read, search-type, an
 * operation...), {@link FhirRequest#caller()} who asks, and a bundle entry's request is marked
 * {@link FhirRequest#isEntry()} and carries its bundle's caller.
 */
public interface Interceptor {

  /**
   * Before the interaction: returns the request to run, this one or a changed one (another caller, more search
   * parameters). To refuse it, throw a {@code FhirException}: the client gets its status and OperationOutcome, a
   * transaction fails whole, and a batch entry answers with it alone. To answer it without the interaction, throw
   * an {@link InterceptorAnswer}. Nothing has been read or written yet.
   */
  default FhirRequest before(FhirRequest request) {
    return request;
  }

  /**
   * After the interaction, with what it answered, failures included (as their OperationOutcome responses): returns
   * the response to send, this one or another. For a write, what it wrote is committed already.
   */
  default FhirResponse after(FhirRequest request, FhirResponse response) {
    return response;
  }
}
