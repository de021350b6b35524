package io.brazier.server.interaction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.brazier.fhir.BaseUrl;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.server.Restriction;
import io.brazier.server.http.Body;
import io.brazier.server.http.Queries;
import io.brazier.server.interaction.References.Missing;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * The references of one commit: a single write, or every entry of a transaction. It rewrites references to the
 * entries' {@code fullUrl}s (in elements, extensions, contained resources, uri elements and narrative links) to the
 * {@code Type/id} each entry gets, resolves each conditional reference once per commit (a Synthea bundle repeats the
 * same {@code Practitioner?identifier=...} thousands of times), and collects the local references, which are all
 * checked with one query before the commit. Entries may be resolved in parallel, each through its own view
 * ({@link #at}). https://hl7.org/fhir/R4/bundle.html#references
 */
public final class Links {
  private static final Pattern LINK = Pattern.compile("((?:href|src)=\")([^\"]*)\"");

  private final Shared shared;
  private final int owner;
  private final String entryBase;

  /**
   * Where conditional references find resources that are not stored yet, besides the ones aliased in this commit:
   * for a bulk import, the resources of the whole import. {@code identifier} is {@code value} or
   * {@code system|value}.
   */
  @FunctionalInterface
  public interface Pending {
    Collection<String> ids(String type, String identifier);
  }

  /**
   * What the links of many commits share, as the lines of one import do: where conditional references find
   * resources not stored yet, each conditional reference's resolution (made once), and the placeholders made.
   */
  public record Context(Pending pending, Map<String, String> conditional, Map<String, Write> placeholders) {
    /** A context of its own, for one commit. */
    static Context own() {
      return new Context((type, identifier) -> List.of(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }
  }

  /** What all views of one commit share: aliases are declared first, the rest fills up concurrently. */
  private static final class Shared {
    final References references;
    final Fhir fhir;
    final String baseUrl;
    final Restriction restriction;
    final Set<String> uriNames;
    final Map<String, String> aliases = new HashMap<>();
    int longestAlias;
    final Map<String, Set<String>> identified = new HashMap<>();
    final Pending pending;
    final Map<String, String> conditional;
    final Map<String, Write> placeholders;
    final Map<String, Integer> required = new ConcurrentHashMap<>();
    final Queue<Missing> unresolved = new ConcurrentLinkedQueue<>();

    Shared(References references, Fhir fhir, String baseUrl, Restriction restriction, Context context) {
      this.references = references;
      this.fhir = fhir;
      this.uriNames = fhir.uriElementNames();
      this.baseUrl = baseUrl;
      this.restriction = restriction;
      this.pending = context.pending();
      this.conditional = context.conditional();
      this.placeholders = context.placeholders();
    }
  }

  Links(References references, Fhir fhir, String baseUrl, Restriction restriction, Context context) {
    this(new Shared(references, fhir, baseUrl, restriction, context), -1, null);
  }

  private Links(Shared shared, int owner, String entryBase) {
    this.shared = shared;
    this.owner = owner;
    this.entryBase = entryBase;
  }

  /**
   * Declares that the entry with this {@code fullUrl} writes {@code Type/id}: references to the fullUrl become
   * references to it, and conditional references on its identifiers find it. Call before any {@link #resolve}.
   */
  public void alias(String fullUrl, String type, String id, Body body) {
    if (fullUrl != null && !fullUrl.isBlank()) {
      if (shared.aliases.putIfAbsent(fullUrl, type + "/" + id) != null) {
        throw FhirException.badRequest("Another entry has the fullUrl " + fullUrl + "; each entry needs its own.");
      }
      shared.longestAlias = Math.max(shared.longestAlias, fullUrl.length());
    }
    if (body != null) {
      for (String identifier : body.identifiers()) {
        shared.identified.computeIfAbsent(type + "?" + identifier, key -> new LinkedHashSet<>()).add(id);
      }
    }
  }

  /** The view for one bundle entry: errors name it, and its fullUrl's base resolves relative references. */
  public Links at(int index, String fullUrl) {
    int cut = fullUrl == null || !fullUrl.startsWith("http") ? -1 : baseEnd(fullUrl);
    return new Links(shared, index, cut < 0 ? null : fullUrl.substring(0, cut));
  }

  /**
   * Rewrites the body's references in place, and remembers the local ones to check. A JSON body still in its tree is
   * rewritten there, before its model is parsed: a Jackson tree walks in a fraction of a model's time.
   */
  public void resolve(Body body) {
    ObjectNode tree = body.tree();
    if (tree == null) {
      resolve(body.resource());
    } else if (walk(tree)) {
      // Some other element names an entry's fullUrl: only the model knows whether it is a uri.
      body.dropTree();
      resolve(body.resource());
    }
  }

  /** Rewrites the resource's references in place, and remembers the local ones to check. */
  public void resolve(Resource resource) {
    shared.fhir.context().newTerser().visit(resource, (root, element, path, child, definition) -> {
      if (element instanceof Reference reference) {
        // The parser links references to the bundle's resources; an encoder would contain a linked resource.
        reference.setResource(null);
        String value = reference.getReference();
        String target = rewrite(value);
        if (target != null && !target.equals(value)) {
          reference.setReference(target);
        }
      } else if (element instanceof UriType uri && !(element instanceof IdType) && uri.hasValue()) {
        String target = shared.aliases.get(uri.getValue());
        if (target != null) {
          uri.setValue(target);
        }
      } else if (element instanceof Narrative narrative && narrative.getDiv() != null
          && !shared.aliases.isEmpty()) {
        narrativeLinks(narrative.getDiv());
      }
    });
  }

  /**
   * Rewrites the {@code reference} strings and narrative links of a JSON tree; true when a string under a name that
   * R4 gives a uri element somewhere ({@link Fhir#uriElementNames}) names an entry's fullUrl: only the model can tell
   * whether it is a uri there. Other strings (an identifier's value) are never rewritten, by the model either.
   */
  private boolean walk(ObjectNode object) {
    boolean other = false;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode value = field.getValue();
      if (value instanceof ObjectNode child) {
        other |= walk(child);
      } else if (value.isArray()) {
        other |= walk(value, shared.uriNames.contains(field.getKey()));
      } else if (value.isTextual()) {
        other |= text(field);
      }
    }
    return other;
  }

  /** Rewrites a reference or a narrative's links; true when a string that may be a uri names an entry's fullUrl. */
  private boolean text(Map.Entry<String, JsonNode> field) {
    String name = field.getKey();
    String text = field.getValue().asText();
    if (name.equals("reference")) {
      String target = rewrite(text);
      if (!text.equals(target)) {
        field.setValue(TextNode.valueOf(target));
      }
    } else if (name.equals("div") && !shared.aliases.isEmpty()) {
      field.setValue(TextNode.valueOf(narrativeLinks(text)));
    } else {
      return shared.uriNames.contains(name) && isAlias(text);
    }
    return false;
  }

  /** {@link #walk(ObjectNode)} for the items of an array; {@code uris} when its name is a uri element's. */
  private boolean walk(JsonNode array, boolean uris) {
    boolean other = false;
    for (JsonNode element : array) {
      if (element instanceof ObjectNode object) {
        other |= walk(object);
      } else if (element.isArray()) {
        other |= walk(element, uris);
      } else {
        other |= uris && element.isTextual() && isAlias(element.asText());
      }
    }
    return other;
  }

  /** Whether a string names an entry's fullUrl; cheap for the long strings (attachments) that cannot. */
  private boolean isAlias(String text) {
    return text.length() <= shared.longestAlias && shared.aliases.containsKey(text);
  }

  /**
   * What a reference becomes: the {@code Type/id} of the entry whose fullUrl it names (also relative to an absolute
   * fullUrl's base), relative when it is absolute on this server, or the one match of a conditional reference.
   * Local references are remembered, to check that they exist.
   */
  private String rewrite(String value) {
    if (value == null || value.isEmpty() || value.startsWith("#")) {
      return value;
    }
    String target = shared.aliases.get(value);
    if (target == null && entryBase != null && !value.contains(":")) {
      target = shared.aliases.get(entryBase + value);
    }
    if (target == null) {
      target = BaseUrl.relative(value, shared.baseUrl).orElse(null);
    }
    if (target == null && isConditional(value)) {
      return shared.conditional.computeIfAbsent(value,
          key -> shared.references.conditional(key, pending(key), shared.placeholders, shared.restriction));
    }
    String result = target != null ? target : value;
    if (shared.references.enforced()) {
      String local = shared.references.local(result);
      if (local != null) {
        shared.required.merge(local, owner, Math::min);
      } else if (owner >= 0 && (result.startsWith("urn:uuid:") || result.startsWith("urn:oid:"))) {
        shared.unresolved.add(new Missing(owner, result));
      }
    }
    return result;
  }

  private static boolean isConditional(String value) {
    int question = value.indexOf('?');
    int slash = value.indexOf('/');
    return question > 0 && (slash < 0 || slash > question);
  }

  /**
   * Resources not stored yet that a conditional reference on one identifier matches: written by this commit, or
   * pending in its context.
   */
  private Collection<String> pending(String reference) {
    int question = reference.indexOf('?');
    Map<String, List<String>> criteria = Queries.parse(reference.substring(question + 1));
    List<String> identifier = criteria.get("identifier");
    if (criteria.size() != 1 || identifier == null || identifier.size() != 1) {
      return List.of();
    }
    String type = reference.substring(0, question);
    Set<String> ids = new LinkedHashSet<>(shared.identified.getOrDefault(type + "?" + identifier.get(0), Set.of()));
    ids.addAll(shared.pending.ids(type, identifier.get(0)));
    return ids;
  }

  /**
   * The resource types that the conditional references of a JSON resource name ({@code Practitioner} of
   * {@code Practitioner?identifier=...}): before resolving them, an import waits for these types' inputs.
   */
  public static Set<String> conditionalTypes(JsonNode node) {
    Set<String> types = new HashSet<>();
    addConditionalTypes(node, types);
    return types;
  }

  /** {@link #conditionalTypes} into one set, as an import asks it of nearly every line. */
  private static void addConditionalTypes(JsonNode node, Set<String> types) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        JsonNode value = field.getValue();
        if (value.isContainerNode()) {
          addConditionalTypes(value, types);
        } else if (field.getKey().equals("reference") && value.isTextual() && isConditional(value.asText())) {
          types.add(value.asText().substring(0, value.asText().indexOf('?')));
        }
      }
    } else if (node != null && node.isArray()) {
      for (JsonNode element : node) {
        addConditionalTypes(element, types);
      }
    }
  }

  /** The local references ({@code Type/id}) resolved so far, to check that they name resources. */
  public Set<String> localReferences() {
    return Set.copyOf(shared.required.keySet());
  }

  /** The references that cannot name anything on this server ({@code urn:uuid:} with no entry to alias). */
  public List<String> unresolved() {
    return shared.unresolved.stream().map(Missing::reference).toList();
  }

  /** The narrative with its {@code href} and {@code src} links to entries' fullUrls rewritten. */
  private String narrativeLinks(String div) {
    Matcher matcher = LINK.matcher(div);
    StringBuilder out = new StringBuilder(div.length());
    while (matcher.find()) {
      String target = shared.aliases.get(matcher.group(2));
      matcher.appendReplacement(out, Matcher.quoteReplacement(target == null ? matcher.group()
          : matcher.group(1) + target + "\""));
    }
    return matcher.appendTail(out).toString();
  }

  private void narrativeLinks(XhtmlNode node) {
    String attribute = "a".equals(node.getName()) ? "href" : "img".equals(node.getName()) ? "src" : null;
    if (attribute != null) {
      String target = shared.aliases.get(node.getAttribute(attribute));
      if (target != null) {
        node.setAttribute(attribute, target);
      }
    }
    if (node.hasChildren()) {
      for (XhtmlNode child : node.getChildNodes()) {
        narrativeLinks(child);
      }
    }
  }

  /**
   * The references that name no resource, the first entry's first, given every version this commit writes; with
   * placeholders on, the missing local ones get placeholders instead (see {@link #placeholders()}). One query.
   */
  public List<Missing> missing(List<Write> writes) {
    List<Missing> missing = new ArrayList<>(shared.unresolved);
    missing.addAll(shared.references.missing(shared.required, writes, shared.placeholders, shared.restriction));
    missing.sort(Comparator.comparingInt(Missing::owner));
    return missing;
  }

  /** The placeholder resources this commit must also write. */
  public List<Write> placeholders() {
    return new ArrayList<>(shared.placeholders.values());
  }

  /** Forgets what a failed attempt collected; the rewritten references stay, so they are checked again. */
  public void retry() {
    shared.required.clear();
    shared.unresolved.clear();
    shared.placeholders.keySet().removeAll(shared.references.stored(shared.placeholders.keySet()));
  }

  /** Where {@code [base]} ends in an absolute {@code [base]/Type/id}, or -1. */
  private static int baseEnd(String fullUrl) {
    int idSlash = fullUrl.lastIndexOf('/');
    int typeSlash = idSlash > 0 ? fullUrl.lastIndexOf('/', idSlash - 1) : -1;
    return typeSlash < 0 ? -1 : typeSlash + 1;
  }
}
