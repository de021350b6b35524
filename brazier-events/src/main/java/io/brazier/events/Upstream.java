package io.brazier.events;

/** Where the publisher's FHIR requests go: the server in process, or a FHIR server over HTTP. */
interface Upstream {

  /** GETs {@code url}, below the FHIR base, as JSON; a network failure is a {@link FeedFailure}. */
  Answer get(String url);

  /** A status and its JSON body (an OperationOutcome for an error), or an empty body. */
  record Answer(int status, byte[] body) {}
}
