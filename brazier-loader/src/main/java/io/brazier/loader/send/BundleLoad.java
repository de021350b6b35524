package io.brazier.loader.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.send.Resolver.Match;
import io.brazier.loader.send.Sender.Unreachable;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.stream.Collectors;

/**
 * Loads one bundle file. Transactions go as transactions (all or nothing), or as batches with {@code
 * --transform-to-batch} or after the server refused one as too large (413); batches go level by level in chunks of
 * {@code --max-entries}. Either way every creating entry is first made a {@code PUT Type/id} ({@link Identities}) and
 * conditional references are resolved ({@link Resolver}), so a file sent twice writes each resource once.
 */
public final class BundleLoad {
  private final Sender sender;
  private final Resolver resolver;
  private final BatchSend batches;
  private final LoaderConfig config;

  public BundleLoad(Sender sender, ExecutorService pool, LoaderConfig config) {
    this.sender = sender;
    this.resolver = new Resolver(sender, config.strictReferences());
    this.batches = new BatchSend(sender, pool, config.maxEntries());
    this.config = config;
  }

  /**
   * Loads the file's bundle; with {@code split} (the watching service), a batch of more than {@code --max-entries}
   * comes back as chunks to be loaded as files of their own.
   */
  public FileOutcome load(String name, byte[] content, boolean split) throws InterruptedException {
    ObjectNode bundle;
    try {
      bundle = Json.parse(content);
    } catch (IOException e) {
      return FileOutcome.unusable(name, "Not a transaction or batch bundle: " + (blank(content) ? "the file is empty."
          : "the file is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")."));
    }
    if (isManifest(bundle)) {
      return FileOutcome.loaded(name, 0, Json.bytes(passedOver(name)));
    }
    String type = bundle.path("type").asText("");
    if (!bundle.path("resourceType").asText().equals("Bundle") || !Set.of("transaction", "batch").contains(type)) {
      return FileOutcome.unusable(name, "Not a transaction or batch bundle: the file holds a "
          + bundle.path("resourceType").asText("JSON object without resourceType")
          + (type.isEmpty() ? "" : " of type '" + type + "'") + "; the loader loads Bundles of type transaction"
          + " or batch, and NDJSON files (*.ndjson).");
    }
    String digest = digest(content);
    try {
      if (type.equals("transaction") && !config.transformToBatch()) {
        Written written = written(name, bundle, digest);
        // The tree may go before the round trip, which takes seconds: trees of 2-3 MB bundles held that long were
        // most of what the garbage collector copied.
        bundle = null;
        FileOutcome outcome = written.refusal() != null ? written.refusal() : transaction(name, written);
        if (outcome != null) {
          return outcome;
        }
        bundle = Json.parse(content); // refused as too large: as batches, from the file as it was
      }
      return batch(name, bundle, digest, split);
    } catch (Unreachable | IOException e) {
      return FileOutcome.unusable(name, e.getMessage());
    }
  }

  /**
   * Whether the file is a Bulk Data manifest ({@code manifest.json}), which an export, ours or a server's, writes
   * beside its NDJSON files: it holds no resources, and a folder an export wrote should load as it is.
   */
  private static boolean isManifest(ObjectNode json) {
    return !json.has("resourceType") && json.has("transactionTime") && json.path("output").isArray();
  }

  /** What stands for the server's answer to a manifest, which is not sent. */
  private static ObjectNode passedOver(String name) {
    ObjectNode outcome = Json.object().put("resourceType", "OperationOutcome");
    outcome.putArray("issue").addObject().put("severity", "information").put("code", "informational")
        .put("diagnostics", name + " is a Bulk Data manifest: it holds no resources and was not sent; the NDJSON"
            + " files it lists load as files of their own.");
    return outcome;
  }

  /** Whether the file holds nothing but JSON whitespace: Jackson reads no value there, which is no JSON object. */
  private static boolean blank(byte[] content) {
    for (byte b : content) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /**
   * A transaction written out to send: its body, and the index in the file of each of its entries; or, when a
   * conditional reference could not be resolved, the file's outcome instead.
   */
  private record Written(byte[] body, int[] indexes, FileOutcome refusal) {}

  private Written written(String name, ObjectNode bundle, String digest) throws Unreachable, IOException {
    List<Item> items = items(bundle);
    new Identities(digest).apply(items, false);
    Answers prepared = new Answers();
    List<Item> sendable = resolver.sendable(items, prepared);
    if (sendable.size() < items.size()) {
      return new Written(null, null, new FileOutcome(name, 0, prepared.failed(), prepared.reason(), null,
          prepared.report(name), null, List.of()));
    }
    return new Written(Json.bytes(bundle), items.stream().mapToInt(Item::index).toArray(), null);
  }

  /** The transaction's outcome, or null when the server found it too large (413). */
  private FileOutcome transaction(String name, Written written) throws Unreachable, IOException {
    FhirReply reply = sender.send(FhirCall.bundle(written.body()));
    if (reply.status() == 413) {
      return null;
    }
    int[] indexes = written.indexes();
    Answers answers = new Answers();
    JsonNode entries = reply.ok() ? Json.parse(reply.body()).path("entry") : null;
    if (entries == null || entries.size() != indexes.length) {
      answers.refusedWhole(indexes.length, reply);
      return new FileOutcome(name, 0, indexes.length, answers.reason(), null, answers.report(name), null,
          List.of());
    }
    for (int i = 0; i < indexes.length; i++) {
      answers.ok(indexes[i], entries.get(i));
    }
    return FileOutcome.loaded(name, indexes.length, answers.result("transaction"));
  }

  private FileOutcome batch(String name, ObjectNode bundle, String digest, boolean split)
      throws Unreachable, IOException, InterruptedException {
    List<Item> items = items(bundle);
    Identities identities = new Identities(digest);
    identities.apply(items, true);
    Answers answers = new Answers();
    List<Item> remaining = conditionalCreates(items, identities, answers);
    if (split && remaining.size() > config.maxEntries()) {
      List<byte[]> chunks = new ArrayList<>();
      for (List<List<Item>> level : Levels.of(remaining, config.maxEntries())) {
        level.forEach(chunk -> chunks.add(Json.bytes(BatchSend.bundle(chunk))));
      }
      return FileOutcome.split(name, chunks);
    }
    batches.send(resolver.sendable(remaining, answers), answers);
    return answers.failed() == 0 ? FileOutcome.loaded(name, answers.loaded(), answers.result("batch"))
        : new FileOutcome(name, answers.loaded(), answers.failed(), answers.reason(), answers.result("batch"),
            answers.report(name), null, List.of());
  }

  /**
   * Settles a batch's conditional creates: one that matches a stored resource is answered with it and not sent
   * (references to its fullUrl name the match), one that matches none becomes a PUT, and one that matches a
   * placeholder becomes a PUT onto it, which then holds the resource it stood in for. The entries left to send.
   */
  private List<Item> conditionalCreates(List<Item> items, Identities identities, Answers answers)
      throws Unreachable, IOException {
    List<Item> creates = identities.conditionalCreates();
    if (creates.isEmpty()) {
      return items;
    }
    Map<Item, String> criteria = creates.stream().collect(Collectors.toMap(item -> item,
        item -> item.resource().path("resourceType").asText() + "?" + item.request().path("ifNoneExist").asText()));
    Map<String, Match> matches = resolver.resolve(Set.of(), Set.copyOf(criteria.values()));
    List<Item> remaining = new ArrayList<>(items);
    for (Item item : creates) {
      Match match = matches.get(criteria.get(item));
      String fullUrl = item.entry().path("fullUrl").asText(null);
      if (match.placeholder()) {
        identities.putOnto(item, fullUrl, match.reference());
      } else if (match.reference() != null) {
        identities.alias(fullUrl, match.reference());
        ObjectNode answer = Json.object();
        answer.putObject("response").put("status", "200 OK").put("location", match.reference());
        answers.ok(item, answer);
        remaining.remove(item);
      } else if (match.status() == 404) {
        identities.put(item, fullUrl);
      }
    }
    identities.rewrite(remaining);
    return remaining;
  }

  private static List<Item> items(ObjectNode bundle) {
    List<Item> items = new ArrayList<>();
    JsonNode entries = bundle.path("entry");
    if (entries instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i) instanceof ObjectNode entry) {
          items.add(new Item(i, entry));
        }
      }
    }
    return items;
  }

  static String digest(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
