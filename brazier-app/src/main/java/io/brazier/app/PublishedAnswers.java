package io.brazier.app;

import io.brazier.events.ResponsePublisher;
import io.brazier.events.ResponseWrites;
import io.brazier.fhir.Fhir;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.Resource;

/**
 * The last post-processor of {@code brazier proxy --events-kafka}: publishes the {@code publish-event} and
 * {@code sync-queue} messages of what each answer wrote, as the original proxy's processors did, since a foreign
 * upstream has no change feed to publish from. Reads (and failed writes) pass untouched, their bodies unread; a JSON
 * write's answer is parsed once, by {@code ResponseWrites}, and passed on as it came.
 */
final class PublishedAnswers implements Processor {
  private final Fhir fhir;
  private final ResponsePublisher publisher;

  PublishedAnswers(Fhir fhir, ResponsePublisher publisher) {
    this.fhir = fhir;
    this.publisher = publisher;
  }

  @Override
  public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
    String method = request.method();
    if (ResponseWrites.wrote(method, response.status())) {
      String client = request.caller() == null ? null : request.caller().clientId();
      publisher.publish(new ResponseWrites.Exchange(method, request.path(), response.status(),
          response.header("Location"), request.body(), json(response), client));
    }
    return response;
  }

  /**
   * The answer's body as JSON: as the upstream sent it when it is JSON, read once by {@code ResponseWrites} and
   * passed on as it came; else (XML, or an answer a processor made or read) its resource, encoded as JSON.
   */
  private byte[] json(ProxyResponse response) {
    byte[] bytes = response.bytes();
    String type = response.header("Content-Type");
    if (bytes != null && type != null && type.contains("json")) {
      return bytes;
    }
    Resource resource = response.resource();
    return resource == null ? null
        : fhir.jsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }
}
