package io.brazier.loader.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.loader.send.Sender.Unreachable;
import java.io.IOException;
import java.util.List;

/**
 * Sends independent entries (an NDJSON batch's {@code PUT Type/id}s) as one transaction: a server checks and stores
 * a transaction's entries together (Brazier reads their current versions and checks their references with one query
 * each), where a batch's entries are requests of their own. A transaction is all or nothing, so when the server
 * refuses it (a bad line, too large, no transactions at all) nothing was written and the caller sends the same
 * entries as a batch, which answers each entry on its own. A server still busy or unavailable once the retries are
 * spent would answer the batch no better: then the entries fail with its answer.
 */
final class TransactionSend {
  private final Sender sender;

  TransactionSend(Sender sender) {
    this.sender = sender;
  }

  /**
   * Whether every entry is answered in {@code answers}: written, or failed as the busy or unavailable server
   * answered; false when the entries are left to send as a batch.
   */
  boolean send(List<Item> items, Answers answers) throws Unreachable {
    FhirReply reply = sender.send(FhirCall.bundle(Json.bytes(BatchSend.bundle(items).put("type", "transaction"))));
    if (Sender.mayPassLater(reply.status())) {
      answers.refused(items, reply);
      return true;
    }
    JsonNode entries = written(reply, items.size());
    if (entries == null) {
      return false;
    }
    for (int i = 0; i < items.size(); i++) {
      answers.ok(items.get(i), entries.get(i));
    }
    return true;
  }

  /** The answer's entries when it says that every entry was written, else null. */
  private static JsonNode written(FhirReply reply, int expected) {
    if (!reply.ok()) {
      return null;
    }
    JsonNode entries;
    try {
      entries = Json.parse(reply.body()).path("entry");
    } catch (IOException e) {
      return null;
    }
    if (entries.size() != expected) {
      return null;
    }
    for (JsonNode entry : entries) {
      if (!Statuses.success(Statuses.code(entry.path("response").path("status").asText()))) {
        return null;
      }
    }
    return entries;
  }
}
