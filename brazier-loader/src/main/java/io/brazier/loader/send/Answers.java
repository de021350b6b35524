package io.brazier.loader.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirReply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server answered for the entries of one file, collected from every request sent for it (chunks, retries
 * of throttled entries), thread-safe: the answer of each entry, the failed and the still-throttled ones with their
 * original entries (the report a user acts on), and the reason of a request that failed as a whole.
 */
final class Answers {
  private final Map<Integer, JsonNode> responses = new TreeMap<>();
  private final List<ObjectNode> errors = new ArrayList<>();
  private final List<ObjectNode> throttled = new ArrayList<>();
  private final List<String> reasons = new ArrayList<>();
  private String requestId;
  private int loaded;
  private int refusedWhole;

  void ok(Item item, JsonNode answer) {
    ok(item.index(), answer);
  }

  /** The answer of the file's entry at {@code index}. */
  synchronized void ok(int index, JsonNode answer) {
    responses.put(index, answer);
    loaded++;
  }

  synchronized void failed(Item item, JsonNode answer) {
    responses.put(item.index(), answer);
    ObjectNode error = Json.object();
    error.put("index", item.index());
    error.set("resource", item.entry());
    error.set("response", answer.path("response"));
    errors.add(error);
  }

  synchronized void throttled(Item item, JsonNode answer) {
    responses.put(item.index(), answer);
    ObjectNode entry = Json.object();
    entry.put("index", item.index());
    entry.set("resource", item.entry());
    throttled.add(entry);
  }

  /** A request that failed as a whole: its entries fail with its status, and its body is the reason. */
  synchronized void refused(List<Item> items, FhirReply reply) {
    reply.header("X-Request-Id").ifPresent(id -> requestId = id);
    String body = reply.text();
    reasons.add(body.isBlank() ? "The FHIR server answered " + reply.status() + " without a body." : body);
    for (Item item : items) {
      failed(item, Json.response(reply.status(), "", "The request holding this entry failed with status "
          + reply.status() + "."));
    }
  }

  /**
   * A transaction refused as a whole: all its entries failed, and the file itself (in the error folder) holds them,
   * so the report does not copy them.
   */
  synchronized void refusedWhole(int entries, FhirReply reply) {
    reply.header("X-Request-Id").ifPresent(id -> requestId = id);
    String body = reply.text();
    reasons.add(body.isBlank() ? "The FHIR server answered " + reply.status() + " without a body." : body);
    refusedWhole += entries;
  }

  synchronized void unreachable(List<Item> items, String reason) {
    reasons.add(reason);
    for (Item item : items) {
      failed(item, Json.response(503, "Service Unavailable", reason));
    }
  }

  synchronized void requestId(FhirReply reply) {
    reply.header("X-Request-Id").ifPresent(id -> requestId = id);
  }

  synchronized int loaded() {
    return loaded;
  }

  synchronized int failed() {
    return errors.size() + throttled.size() + refusedWhole;
  }

  /** The failed and the still-throttled entries, each with its original entry. */
  synchronized List<ObjectNode> unanswered() {
    List<ObjectNode> all = new ArrayList<>(errors);
    all.addAll(throttled);
    all.sort(java.util.Comparator.comparingInt(entry -> entry.path("index").asInt()));
    return all;
  }

  /** The batch-response or transaction-response, entries in the file's order. */
  synchronized byte[] result(String type) {
    ObjectNode bundle = Json.object().put("resourceType", "Bundle").put("type", type + "-response");
    ArrayNode entries = bundle.putArray("entry");
    responses.values().forEach(entries::add);
    return Json.pretty(bundle);
  }

  /** Why the file failed, as the server said it when it refused a whole request, or a summary. */
  synchronized String reason() {
    if (!reasons.isEmpty()) {
      return String.join("\n", reasons);
    }
    String first = errors.isEmpty() ? "" : " The first: " + errors.get(0).path("response").path("status").asText()
        + " " + errors.get(0).path("response").path("outcome").path("issue").path(0).path("diagnostics").asText();
    return errors.size() + " entries failed and " + throttled.size() + " stayed throttled." + first;
  }

  /** The failed and the still-throttled entries, each with its original entry and the server's answer. */
  synchronized byte[] report(String name) {
    ObjectNode report = Json.object().put("id", name);
    if (requestId != null) {
      report.put("fhirrequestid", requestId);
    }
    report.putArray("errors").addAll(Collections.unmodifiableList(errors));
    report.putArray("throttled").addAll(Collections.unmodifiableList(throttled));
    return Json.pretty(report);
  }
}
