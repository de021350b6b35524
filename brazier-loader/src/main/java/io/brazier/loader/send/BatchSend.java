package io.brazier.loader.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.loader.send.Sender.Unreachable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Sends entries as batches, level after level ({@link Levels}), the chunks of a level at once. Each entry's answer is
 * read whatever the status text says ({@code 201}, {@code 201 Created}); entries answered 429 are sent again on
 * their own after a backoff, at most {@code maxRetries} times; a chunk refused with 413 is halved until it fits.
 */
final class BatchSend {
  private final Sender sender;
  private final ExecutorService pool;
  private final int maxEntries;

  BatchSend(Sender sender, ExecutorService pool, int maxEntries) {
    this.sender = sender;
    this.pool = pool;
    this.maxEntries = maxEntries;
  }

  void send(List<Item> items, Answers answers) throws InterruptedException {
    for (List<List<Item>> level : Levels.of(items, maxEntries)) {
      if (level.size() == 1) {
        chunk(level.get(0), answers);
        continue;
      }
      List<Future<?>> sent = new ArrayList<>();
      for (List<Item> chunk : level) {
        sent.add(pool.submit(() -> chunk(chunk, answers)));
      }
      for (Future<?> future : sent) {
        try {
          future.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("Sending a chunk failed unexpectedly", e.getCause());
        }
      }
    }
  }

  private void chunk(List<Item> chunk, Answers answers) {
    List<Item> throttled = attempt(chunk, answers);
    for (int retry = 1; !throttled.isEmpty(); retry++) {
      if (retry > sender.maxRetries()) {
        throttled.forEach(item -> answers.throttled(item, Json.response(429, "Too Many Requests",
            "Still throttled after " + sender.maxRetries() + " retries.")));
        return;
      }
      try {
        Sender.sleep(sender.backoff(retry));
      } catch (Unreachable e) {
        answers.unreachable(throttled, e.getMessage());
        return;
      }
      throttled = attempt(throttled, answers);
    }
  }

  /** Sends a chunk once (the sender retries whole-request failures); the entries the server throttled. */
  private List<Item> attempt(List<Item> chunk, Answers answers) {
    FhirReply reply;
    try {
      reply = sender.send(FhirCall.bundle(Json.bytes(bundle(chunk))));
    } catch (Unreachable e) {
      answers.unreachable(chunk, e.getMessage());
      return List.of();
    }
    if (reply.status() == 413 && chunk.size() > 1) {
      List<Item> throttled = new ArrayList<>(attempt(chunk.subList(0, chunk.size() / 2), answers));
      throttled.addAll(attempt(chunk.subList(chunk.size() / 2, chunk.size()), answers));
      return throttled;
    }
    ArrayNode entries = entries(reply, chunk.size());
    if (entries == null) {
      answers.refused(chunk, reply);
      return List.of();
    }
    List<Item> throttled = new ArrayList<>();
    for (int i = 0; i < chunk.size(); i++) {
      JsonNode answer = entries.get(i);
      int status = Statuses.code(answer.path("response").path("status").asText());
      if (Statuses.success(status)) {
        answers.ok(chunk.get(i), answer);
      } else if (status == 429) {
        throttled.add(chunk.get(i));
      } else {
        answers.requestId(reply);
        answers.failed(chunk.get(i), answer);
      }
    }
    return throttled;
  }

  /** The answer's entries, one per entry sent, or null when the server refused the request as a whole. */
  private static ArrayNode entries(FhirReply reply, int expected) {
    if (!reply.ok()) {
      return null;
    }
    try {
      JsonNode entries = Json.parse(reply.body()).path("entry");
      return entries instanceof ArrayNode array && array.size() == expected ? array : null;
    } catch (IOException e) {
      return null;
    }
  }

  static ObjectNode bundle(List<Item> items) {
    ObjectNode bundle = Json.object().put("resourceType", "Bundle").put("type", "batch");
    ArrayNode entries = bundle.putArray("entry");
    items.forEach(item -> entries.add(item.entry()));
    return bundle;
  }
}
