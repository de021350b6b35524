package io.brazier.loader.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.FhirCall;
import io.brazier.client.FhirReply;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.Format;
import io.brazier.fhir.RequiredElements;
import io.brazier.loader.send.Sender.Unreachable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;

/**
 * Resolves what a batch cannot, before sending, for any FHIR server: each conditional reference ({@code
 * Practitioner?identifier=...}) becomes the {@code Type/id} of the one resource it matches, found with one batch of
 * searches for the whole bundle. One that matches nothing gets a placeholder carrying its identifier, made by a
 * conditional create and tagged as the server's own placeholders are, unless references are strict; one that matches
 * several is an error of the entries holding it.
 */
final class Resolver {
  static final String PLACEHOLDER_TAG_SYSTEM = "https://brazier.io/fhir/tag";
  static final String PLACEHOLDER_TAG = "placeholder";

  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]+");
  /**
   * A parameter the server does not know must fail the search: ignored, as servers do by default, it would widen the
   * match, and a misspelt {@code identifer=} would link an entry to whichever resource happens to be alone.
   */
  private static final String STRICT = "handling=strict";

  private final Sender sender;
  private final boolean strict;

  Resolver(Sender sender, boolean strict) {
    this.sender = sender;
    this.strict = strict;
  }

  /** What a search found: the {@code Type/id} it matched, or why it names no single resource. */
  /** A search's one match ({@code placeholder} when it is one, made by a load before), or why there is none. */
  record Match(String reference, String failure, int status, boolean placeholder) {
    static Match of(String reference) {
      return new Match(reference, null, 200, false);
    }

    static Match failed(int status, String failure) {
      return new Match(null, failure, status, false);
    }
  }

  /**
   * Resolves the conditional references of the entries in place; entries holding one that cannot be resolved are
   * answered as failed. The entries left to send.
   */
  List<Item> sendable(List<Item> items, Answers answers) throws Unreachable, IOException {
    Set<String> conditional = conditionalReferences(items);
    if (conditional.isEmpty()) {
      return items;
    }
    Map<String, Match> matches = resolve(conditional, Set.of());
    List<Item> sendable = new ArrayList<>();
    for (Item item : items) {
      List<Match> failures = new ArrayList<>();
      if (item.resource() != null) {
        Json.rewriteReferences(item.resource(), value -> {
          Match match = matches.get(value);
          if (match != null && match.reference() == null) {
            failures.add(match);
          }
          return match == null || match.reference() == null ? value : match.reference();
        });
      }
      if (failures.isEmpty()) {
        sendable.add(item);
      } else {
        int status = failures.get(0).status() == 404 ? 400 : failures.get(0).status();
        answers.failed(item, Json.response(status, "", failures.stream().map(Match::failure).distinct()
            .reduce((a, b) -> a + " " + b).orElseThrow()));
      }
    }
    return sendable;
  }

  /** The conditional references in these entries' resources. */
  static Set<String> conditionalReferences(List<Item> items) {
    Set<String> found = new LinkedHashSet<>();
    for (Item item : items) {
      if (item.resource() != null) {
        Json.references(item.resource(), value -> {
          if (isConditional(value)) {
            found.add(value);
          }
        });
      }
    }
    return found;
  }

  static boolean isConditional(String value) {
    int question = value.indexOf('?');
    return question > 0 && TYPE.matcher(value.substring(0, question)).matches();
  }

  /**
   * Each search ({@code Type?query}) with its one match. Conditional {@code references} that match nothing get
   * placeholders unless references are strict; {@code creates} (the criteria of conditional creates) never do.
   */
  Map<String, Match> resolve(Set<String> references, Set<String> creates) throws Unreachable, IOException {
    Set<String> searches = new LinkedHashSet<>(references);
    searches.addAll(creates);
    Map<String, Match> matches = search(searches);
    if (!strict) {
      List<String> missing = new ArrayList<>();
      references.forEach(search -> {
        if (matches.get(search).status() == 404) {
          missing.add(search);
        }
      });
      matches.putAll(placeholders(missing));
    }
    return matches;
  }

  private Map<String, Match> search(Set<String> searches) throws Unreachable, IOException {
    Map<String, Match> matches = new LinkedHashMap<>();
    if (searches.isEmpty()) {
      return matches;
    }
    ObjectNode batch = batch();
    for (String search : searches) {
      batch.withArray("entry").addObject().putObject("request").put("method", "GET").put("url", url(search));
    }
    FhirReply reply = sender.send(FhirCall.searches(Json.bytes(batch)).withHeader("Prefer", STRICT));
    ArrayNode answers = answers(reply, searches.size(), "searches");
    int i = 0;
    for (String search : searches) {
      JsonNode answer = answers.get(i++);
      if (Statuses.success(Statuses.code(answer.path("response").path("status").asText()))
          && !answer.has("resource")) {
        answer = alone(search); // a server that answers a batch's searches without their results
      }
      matches.put(search, match(search, answer));
    }
    return matches;
  }

  /** One search sent on its own, its answer shaped as a batch entry's. */
  private JsonNode alone(String search) throws Unreachable, IOException {
    FhirReply reply = sender.send(FhirCall.get(url(search)).withHeader("Prefer", STRICT));
    ObjectNode answer = Json.object();
    answer.putObject("response").put("status", Integer.toString(reply.status()));
    if (reply.ok()) {
      answer.set("resource", Json.parse(reply.body()));
    }
    return answer;
  }

  private static String url(String search) {
    return search + (search.endsWith("?") ? "" : "&") + "_count=2&_elements=id";
  }

  private Match match(String search, JsonNode answer) {
    int status = Statuses.code(answer.path("response").path("status").asText());
    String type = search.substring(0, search.indexOf('?'));
    if (!Statuses.success(status)) {
      return Match.failed(status == 0 ? 400 : status, "The search for the conditional reference '" + search
          + "' failed with status " + answer.path("response").path("status").asText("none") + ".");
    }
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode entry : answer.path("resource").path("entry")) {
      boolean matched = entry.path("search").path("mode").asText("match").equals("match");
      if (matched && entry.path("resource").path("resourceType").asText().equals(type)) {
        found.add(entry.path("resource"));
      }
    }
    List<String> ids = found.stream().map(resource -> resource.path("id").asText()).toList();
    if (ids.size() > 1) {
      return Match.failed(412, "The conditional reference '" + search + "' matches more than one " + type
          + "; it must match exactly one.");
    }
    if (ids.isEmpty()) {
      return Match.failed(404, "The conditional reference '" + search + "' matches no " + type
          + (strict ? " (--strict-references is on: load the " + type + " first)." : "."));
    }
    return new Match(type + "/" + ids.get(0), null, 200, isPlaceholder(found.get(0)));
  }

  private static boolean isPlaceholder(JsonNode resource) {
    for (JsonNode tag : resource.path("meta").path("tag")) {
      if (tag.path("system").asText().equals(PLACEHOLDER_TAG_SYSTEM) && tag.path("code").asText()
          .equals(PLACEHOLDER_TAG)) {
        return true;
      }
    }
    return false;
  }

  /** Conditional creates of placeholders for searches on one identifier; others stay unresolved. */
  private Map<String, Match> placeholders(List<String> searches) throws Unreachable, IOException {
    Map<String, Match> made = new LinkedHashMap<>();
    List<String> sent = new ArrayList<>();
    ObjectNode batch = batch();
    for (String search : searches) {
      ObjectNode placeholder = placeholder(search);
      if (placeholder == null) {
        made.put(search, Match.failed(400, "The conditional reference '" + search + "' matches nothing, and a"
            + " placeholder can only stand in for a single identifier=system|value; load the resource first."));
        continue;
      }
      String type = placeholder.path("resourceType").asText();
      ObjectNode entry = batch.withArray("entry").addObject();
      entry.set("resource", placeholder);
      entry.putObject("request").put("method", "POST").put("url", type)
          .put("ifNoneExist", search.substring(search.indexOf('?') + 1));
      sent.add(search);
    }
    if (!sent.isEmpty()) {
      ArrayNode answers = answers(sender.send(FhirCall.bundle(Json.bytes(batch))), sent.size(), "placeholders");
      for (int i = 0; i < sent.size(); i++) {
        made.put(sent.get(i), created(sent.get(i), answers.get(i)));
      }
    }
    return made;
  }

  private static Match created(String search, JsonNode answer) {
    int status = Statuses.code(answer.path("response").path("status").asText());
    String location = answer.path("response").path("location").asText("");
    String type = search.substring(0, search.indexOf('?'));
    int at = location.lastIndexOf(type + "/");
    if (!Statuses.success(status) || at < 0) {
      return Match.failed(status == 0 ? 400 : status, "A placeholder for the conditional reference '" + search
          + "' could not be created: status " + answer.path("response").path("status").asText("none") + ".");
    }
    String id = location.substring(at + type.length() + 1).split("/")[0];
    return Match.of(type + "/" + id);
  }

  /**
   * A resource with the one identifier the search names, tagged as a placeholder, and data-absent-reason
   * {@code unknown} on each element its type requires, as the server's own placeholders (a server refuses an
   * Encounter without a status); null if the search names more.
   */
  static ObjectNode placeholder(String search) {
    int question = search.indexOf('?');
    String query = search.substring(question + 1);
    if (!query.startsWith("identifier=") || query.contains("&")) {
      return null;
    }
    String token = URLDecoder.decode(query.substring("identifier=".length()), StandardCharsets.UTF_8);
    if (token.isEmpty() || token.contains(",")) {
      return null;
    }
    ObjectNode resource = Model.absent(search.substring(0, question));
    resource.putObject("meta").putArray("tag").addObject().put("system", PLACEHOLDER_TAG_SYSTEM)
        .put("code", PLACEHOLDER_TAG).put("display", "Placeholder for a referenced resource that was not loaded");
    ObjectNode identifier = resource.putArray("identifier").addObject();
    int bar = token.indexOf('|');
    if (bar > 0) {
      identifier.put("system", token.substring(0, bar));
    }
    identifier.put("value", bar < 0 ? token : token.substring(bar + 1));
    return resource;
  }

  /** R4's model, loaded (in seconds) only when a load makes its first placeholder. */
  private static final class Model {
    private static final Fhir FHIR = new Fhir(false);
    private static final RequiredElements REQUIRED = new RequiredElements(FHIR);
    /** Each R4 type's skeleton, made once: it never changes. */
    private static final Map<String, ObjectNode> SKELETONS = new ConcurrentHashMap<>();

    /** A resource of the type with only its required elements, each absent for an unknown reason. */
    static ObjectNode absent(String type) {
      if (!FHIR.isResourceType(type)) { // not kept: the files name such types, so there could be any number
        return Json.object().put("resourceType", type);
      }
      return SKELETONS.computeIfAbsent(type, Model::skeleton).deepCopy();
    }

    private static ObjectNode skeleton(String type) {
      Resource resource = (Resource) FHIR.definition(type).newInstance();
      REQUIRED.markAbsent(resource);
      try {
        return Json.parse(FHIR.encode(Format.JSON, resource, false));
      } catch (IOException e) {
        throw new UncheckedIOException("HAPI wrote a placeholder that is not JSON", e);
      }
    }
  }

  private static ObjectNode batch() {
    return Json.object().put("resourceType", "Bundle").put("type", "batch");
  }

  /** The entries answering a batch of {@code what} (plural), or what went wrong. */
  static ArrayNode answers(FhirReply reply, int expected, String what) throws IOException {
    if (!reply.ok()) {
      throw new IOException("The FHIR server refused the batch of " + what + " for conditional references with"
          + " status " + reply.status() + ": " + reply.text());
    }
    JsonNode entries = Json.parse(reply.body()).path("entry");
    if (!(entries instanceof ArrayNode array) || array.size() != expected) {
      throw new IOException("The FHIR server answered the batch of " + what + " with " + entries.size()
          + " entries instead of " + expected + ".");
    }
    return array;
  }
}
