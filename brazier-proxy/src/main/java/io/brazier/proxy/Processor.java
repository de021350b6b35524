package io.brazier.proxy;

/**
 * A step of the proxy's processor chain: named in {@code --pre-processors} it sees each request before it goes on
 * to the FHIR server, and may change it or answer it; named in {@code --post-processors} it sees each answer, and may
 * change or replace it. Pre-processors run in the order named, and the first that answers ends them; post-processors
 * run in the order named on every answer, a pre-processor's included. A processor is made once, by its
 * {@link ProcessorProvider}, and serves every request: it must be thread-safe.
 *
 * <p>The chain sees whole requests of clients (a batch or transaction as one Bundle), after their caller is
 * authenticated and authorized, in {@code brazier serve --auth} as in front of another server; the requests a
 * processor sends itself ({@link ProxyRequest#upstream()}) go to the server without passing the chain again.
 */
public interface Processor {

  /**
   * As a pre-processor: {@link Step#proceed} with the request to send on (this one or a changed one), or
   * {@link Step#answer} to answer it here. A refusal is a {@code FhirException} (its status and OperationOutcome).
   */
  default Step before(ProxyRequest request) {
    return Step.proceed(request);
  }

  /** As a post-processor: the answer to send, this one or another. */
  default ProxyResponse after(ProxyRequest request, ProxyResponse response) {
    return response;
  }
}
