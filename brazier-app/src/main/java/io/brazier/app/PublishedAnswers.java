package io.brazier.app;

import io.brazier.events.ResponsePublisher;
import io.brazier.events.ResponseWrites;
import io.brazier.events.Written;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProxyRequest;
import io.brazier.proxy.ProxyResponse;
import io.brazier.proxy.Step;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;

/**
 * The last processor of {@code brazier proxy --events-kafka}: publishes the {@code publish-event} and
 * {@code sync-queue} messages of what each answer wrote, as the original proxy's processors did, since a foreign
 * upstream has no change feed to publish from. Reads (and failed writes) pass untouched, their bodies unread; a JSON
 * write's answer is parsed once, by {@code ResponseWrites}, and passed on as it came. A conditional delete, whose
 * answer names nothing, is resolved through the upstream's API by {@link ConditionalDeletes}, sent alone or as an
 * entry of a batch or transaction ({@link ConditionalDeleteEntries}); when the upstream cannot say which of its
 * matches it removed, their deletions are logged as lost, as the publisher logs those the broker never took, rather
 * than published: a match changed meanwhile, which the delete kept, would be published as deleted.
 */
final class PublishedAnswers implements Processor {
  private final Fhir fhir;
  private final ResponsePublisher publisher;
  private final ConditionalDeleteEntries entries;

  PublishedAnswers(Fhir fhir, ResponsePublisher publisher) {
    this.fhir = fhir;
    this.publisher = publisher;
    this.entries = new ConditionalDeleteEntries(fhir);
  }

  /**
   * A conditional delete, alone or a bundle's entry, goes on narrowed to its matches, which it is then known to have
   * removed.
   */
  @Override
  public Step before(ProxyRequest request) {
    return Step.proceed(ConditionalDeletes.conditional(request) ? ConditionalDeletes.narrowed(request)
        : entries.narrowed(request));
  }

  @Override
  public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
    String method = request.method();
    if (!ResponseWrites.wrote(method, response.status())) {
      return response;
    }
    String client = request.caller() == null ? null : request.caller().clientId();
    if (ConditionalDeletes.conditional(request)) {
      publishRemoved(request, client);
    } else {
      ResponseWrites.Exchange exchange = new ResponseWrites.Exchange(method, request.path(), response.status(),
          response.header("Location"), request.body(), json(response), client);
      String named = exchange.request();
      List<Written> writes = new ArrayList<>(ResponseWrites.of(exchange));
      ConditionalDeleteEntries.Removals removals = entries.removed(request, response, writes, client);
      writes.addAll(removals.removed());
      publisher.publish(named, writes);
      publisher.lost(named, removals.unknown(), unknown(removals.why()));
    }
    return response;
  }

  /** The deletions of a conditional delete; when the upstream cannot say which, its matches', logged as lost. */
  private void publishRemoved(ProxyRequest request, String client) {
    String named = "DELETE " + request.path();
    List<String> removed;
    try {
      removed = ConditionalDeletes.removed(request);
    } catch (FhirException e) {
      publisher.lost(named, deletions(request, ConditionalDeletes.candidates(request), client),
          unknown(e.getMessage()));
      return;
    }
    publisher.publish(named, deletions(request, removed, client));
  }

  private static List<Written> deletions(ProxyRequest request, List<String> ids, String client) {
    return ids.stream().map(id -> ResponseWrites.deleted(request.path(), id, client)).toList();
  }

  /** Why the deletions of a conditional delete's matches are lost: the search after it failed ({@code why}). */
  private static String unknown(String why) {
    return "as the upstream could not say which of these matches the conditional delete removed (" + why + ")";
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
