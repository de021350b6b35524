package io.brazier.loader.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.send.Sender.Unreachable;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an NDJSON file, streamed line by line: each resource becomes a {@code PUT Type/id} entry (so a file sent
 * again writes the same resources), in batches of {@code --bundle-size} sent {@code --concurrency} at once. A line
 * that is not a resource with an id is rejected by the loader itself, with the reason, and the rest still loads. A
 * server's Bulk Data export writes lines of two other kinds, which load as they are: a transaction or batch Bundle
 * (deleted resources, as Bundles of DELETEs) is sent as that bundle, as a bundle file is; an OperationOutcome (an
 * error file's) is no resource and is passed over, with a note.
 * Each batch goes first as one transaction ({@link TransactionSend}: for a server, far less work than as many
 * requests), and as a batch, which answers each line on its own, when the server refuses that, or with {@code
 * --transform-to-batch}, or when it holds more than {@code --max-entries}.
 */
public final class NdjsonLoad {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
  private static final String BYTE_ORDER_MARK = "\uFEFF";
  private static final String UTF_16 = "The file is UTF-16 (it starts with a UTF-16 byte order mark), and NDJSON is"
      + " UTF-8, as FHIR's Bulk Data format has it: save it as UTF-8 and load it again. Nothing of it was loaded.";

  private static final Logger log = LoggerFactory.getLogger(NdjsonLoad.class);

  private final Resolver resolver;
  private final BundleLoad bundles;
  private final TransactionSend transactions;
  private final BatchSend batches;
  private final ExecutorService pool;
  private final LoaderConfig config;

  /**
   * @param pool runs the batches of a file at once; must not be the pool that sends the chunks of one batch
   */
  public NdjsonLoad(Sender sender, ExecutorService pool, ExecutorService chunkPool, LoaderConfig config) {
    this.resolver = new Resolver(sender, config.strictReferences());
    this.bundles = new BundleLoad(sender, chunkPool, config);
    this.transactions = new TransactionSend(sender);
    this.batches = new BatchSend(sender, chunkPool, config.maxEntries());
    this.pool = pool;
    this.config = config;
  }

  /**
   * Loads every line; {@code progress} hears of each batch's entries as they are answered.
   */
  public FileOutcome load(String name, InputStream content, IntConsumer progress) throws InterruptedException {
    Answers answers = new Answers();
    Rejected rejected = new Rejected();
    Semaphore inFlight = new Semaphore(config.concurrency());
    List<Future<?>> sent = new ArrayList<>();
    int number = 0;
    int bundled = 0;
    int passedOver = 0;
    IOException cut = null;
    try (BufferedInputStream bytes = new BufferedInputStream(content);
        BufferedReader lines = new BufferedReader(new LineLimit(new InputStreamReader(bytes,
            StandardCharsets.UTF_8), config.maxBundleBytes()))) {
      if (startsAsUtf16(bytes)) {
        return FileOutcome.unusable(name, UTF_16);
      }
      List<Item> batch = new ArrayList<>();
      for (String line; (line = lines.readLine()) != null; ) {
        number++;
        JsonNode json = json(number, line, rejected);
        String type = json == null ? "" : json.path("resourceType").asText("");
        if (type.equals("OperationOutcome")) {
          passedOver++;
          continue;
        }
        if (type.equals("Bundle") && Set.of("transaction", "batch").contains(json.path("type").asText())) {
          bundled += bundle(name, number, line, rejected, progress);
          continue;
        }
        Item item = json == null ? null : item(number, line, json, rejected);
        if (item != null) {
          batch.add(item);
        }
        if (batch.size() == config.bundleSize()) {
          sent.add(submit(batch, answers, inFlight, progress));
          batch = new ArrayList<>();
        }
      }
      if (!batch.isEmpty()) {
        sent.add(submit(batch, answers, inFlight, progress));
      }
    } catch (IOException e) {
      // A file cut short (a truncated .gz) or a line too long: the lines before were sent, and the outcome must count
      // them.
      cut = e;
    } finally {
      await(sent);
    }
    if (passedOver > 0) {
      log.info("Lines passed over: OperationOutcomes (a Bulk Data export's errors), not resources file={} lines={}",
          name, passedOver);
    }
    FileOutcome outcome = outcome(name, answers, bundled, rejected);
    return cut == null ? outcome : unreadable(outcome, number, cut);
  }

  /**
   * Whether the file starts with a UTF-16 byte order mark (what Windows tools call "Unicode"): read as UTF-8, as NDJSON
   * is, each of its lines would be rejected as JSON broken by NULs, which says nothing of the file's encoding.
   */
  private static boolean startsAsUtf16(BufferedInputStream bytes) throws IOException {
    bytes.mark(2);
    int first = bytes.read();
    int second = bytes.read();
    bytes.reset();
    return first == 0xFE && second == 0xFF || first == 0xFF && second == 0xFE;
  }

  /** Sends a line that is a transaction or batch Bundle as that bundle; returns its entries loaded. */
  private int bundle(String name, int number, String line, Rejected rejected, IntConsumer progress)
      throws InterruptedException {
    FileOutcome sent = bundles.load(name + " line " + number, line.getBytes(StandardCharsets.UTF_8), false);
    progress.accept(sent.loaded() + sent.failed());
    if (!sent.succeeded()) {
      rejected.add(number, line, "the bundle on this line was not loaded: " + sent.reason());
    }
    return sent.loaded();
  }

  /**
   * The outcome of a file cut short: failed as a whole (no rejected lines to pick out), so that the file itself goes
   * to the error folder to be fixed, with the count of what was loaded before the cut.
   */
  private static FileOutcome unreadable(FileOutcome sent, int lines, IOException e) {
    String reason = "The file could not be read past line " + lines + " (" + e.getMessage() + "): the lines before"
        + " were loaded; fix the file and load it again." + (sent.succeeded() ? "" : " " + sent.reason());
    return new FileOutcome(sent.name(), sent.loaded(), sent.failed(), reason, null, sent.report(), null, List.of());
  }

  private Future<?> submit(List<Item> batch, Answers answers, Semaphore inFlight, IntConsumer progress)
      throws InterruptedException {
    inFlight.acquire();
    return pool.submit(() -> {
      try {
        send(resolver.sendable(batch, answers), answers);
      } catch (Unreachable | IOException e) {
        answers.unreachable(batch, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inFlight.release();
        progress.accept(batch.size());
      }
    });
  }

  private void send(List<Item> items, Answers answers) throws Unreachable, InterruptedException {
    boolean whole = !items.isEmpty() && !config.transformToBatch() && items.size() <= config.maxEntries()
        && transactions.send(items, answers);
    if (!whole) {
      batches.send(items, answers);
    }
  }

  private static void await(List<Future<?>> sent) throws InterruptedException {
    for (Future<?> future : sent) {
      try {
        future.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("Sending a batch failed unexpectedly", e.getCause());
      }
    }
  }

  /** The line's JSON, or null when the line is rejected (blank lines are skipped). */
  private static JsonNode json(int number, String line, Rejected rejected) {
    if (line.isBlank()) {
      return null;
    }
    try {
      // Some Windows tools start UTF-8 with a byte order mark, which is no part of the first line's JSON.
      return Json.tree(number == 1 && line.startsWith(BYTE_ORDER_MARK) ? line.substring(1) : line);
    } catch (MismatchedInputException e) {
      rejected.add(number, line, "more than one JSON value: each line holds one resource (two lines run together?)");
      return null;
    } catch (JsonProcessingException e) {
      rejected.add(number, line, "not JSON: " + e.getOriginalMessage());
      return null;
    }
  }

  /** The entry for a line's resource, or null when the line is rejected. */
  private static Item item(int number, String line, JsonNode resource, Rejected rejected) {
    String type = resource.path("resourceType").asText("");
    String id = resource.path("id").asText("");
    if (!(resource instanceof ObjectNode object) || !type.matches("[A-Z][A-Za-z]+")) {
      rejected.add(number, line, "not a FHIR resource: it has no resourceType");
      return null;
    }
    if (!ID.matcher(id).matches()) {
      rejected.add(number, line, id.isEmpty()
          ? "the " + type + " has no id; NDJSON resources are loaded with PUT " + type + "/[id], so each needs its id"
          : "the id '" + id + "' is not a FHIR id (1 to 64 of A-Z, a-z, 0-9, '-' and '.')");
      return null;
    }
    ObjectNode entry = Json.object().put("fullUrl", type + "/" + id);
    entry.set("resource", object);
    entry.putObject("request").put("method", "PUT").put("url", type + "/" + id);
    return new Item(number, entry);
  }

  private static FileOutcome outcome(String name, Answers answers, int bundled, Rejected rejected) {
    int failed = answers.failed() + rejected.count();
    int loaded = answers.loaded() + bundled;
    if (failed == 0) {
      return FileOutcome.loaded(name, loaded, null);
    }
    answers.unanswered().forEach(rejected::add);
    ObjectNode report = Json.object().put("id", name);
    report.set("errors", rejected.report());
    String reason = failed + " lines were not loaded. " + (rejected.count() > answers.failed()
        ? "The first rejected: line " + rejected.report().get(0).path("line").asInt() + ", "
            + rejected.report().get(0).path("reason").asText("refused by the server") + ". " : "")
        + (answers.failed() > 0 ? answers.reason() : "");
    return new FileOutcome(name, loaded, failed, reason.strip(), null, Json.pretty(report),
        rejected.lines(), List.of());
  }

  /** The lines not loaded, as they were (a file to fix and drop again), and why each was not. */
  private static final class Rejected {
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
    private final ArrayNode report = Json.array();

    void add(int number, String line, String reason) {
      lines.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
      report.addObject().put("line", number).put("reason", reason);
    }

    /** An entry the server refused or kept throttling: its resource is the line. */
    void add(ObjectNode error) {
      lines.writeBytes(Json.bytes(error.path("resource").path("resource")));
      lines.write('\n');
      ObjectNode entry = report.addObject().put("line", error.path("index").asInt());
      entry.set("response", error.has("response") ? error.get("response")
          : Json.response(429, "Too Many Requests", "Still throttled after the retries.").get("response"));
    }

    int count() {
      return report.size();
    }

    ArrayNode report() {
      return report;
    }

    byte[] lines() {
      return lines.toByteArray();
    }
  }
}
