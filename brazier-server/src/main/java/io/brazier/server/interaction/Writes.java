package io.brazier.server.interaction;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.fhir.ControlCharacters;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import io.brazier.server.ServerConfig;
import io.brazier.server.http.Body;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchIndex;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * Turns a resource into the version to store: the server owns id, meta.versionId and meta.lastUpdated, so it sets
 * them here, then encodes the JSON that reads will serve and extracts the search index values. Every write's JSON
 * passes here, whatever it came from, so here it is held to the rules on what a stored resource may hold.
 */
public final class Writes {
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");
  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private final Fhir fhir;
  private final FhirSearch search;
  private final Clock clock;
  private final int maxIndexEntries;
  private final SecureRandom random = new SecureRandom();

  /** Writes of resources of at most {@code ServerConfig.DEFAULT_MAX_INDEX_ENTRIES} search index entries. */
  public Writes(Fhir fhir, FhirSearch search, Clock clock) {
    this(fhir, search, clock, ServerConfig.DEFAULT_MAX_INDEX_ENTRIES);
  }

  /** @param maxIndexEntries the most search index entries one resource may have; a write of more is a 422 */
  public Writes(Fhir fhir, FhirSearch search, Clock clock, int maxIndexEntries) {
    this.fhir = fhir;
    this.search = search;
    this.clock = clock;
    this.maxIndexEntries = maxIndexEntries;
  }

  /** A new server-assigned id: 16 characters, time-ordered so that new rows land together in the indexes. */
  public String newId() {
    long millis = clock.millis();
    long bits = random.nextLong();
    char[] id = new char[16];
    for (int i = 8; i >= 0; i--) {
      id[i] = ALPHABET[(int) (millis % 36)];
      millis /= 36;
    }
    for (int i = 9; i < 16; i++) {
      id[i] = ALPHABET[(int) Math.floorMod(bits, 36L)];
      bits /= 36;
    }
    return new String(id);
  }

  /**
   * The next version of {@code body}, replacing {@code current} (null when the resource is new). A JSON body still
   * in its tree gets id and meta there, is parsed from it (the base R4 rules) and is stored as the tree written out;
   * any other body is encoded by HAPI.
   *
   * @param source the writing system's {@code meta.source} (see {@code Caller}), or null to keep the body's own
   */
  public Write next(Body body, String id, ResourceVersion current, String source) {
    ObjectNode tree = body.tree();
    if (tree == null) {
      return next(body.resource(), id, current, source);
    }
    int version = current == null ? 1 : current.version() + 1;
    Instant now = now(current);
    stamp(tree, id, version, now, source);
    Resource resource = body.resource();
    check(resource);
    byte[] json = body.json();
    ControlCharacters.check(json);
    return new Write(resource.fhirType(), id, version, now, json, index(resource, json),
        resource.getMeta().getSource());
  }

  /**
   * Sets id, meta.versionId, meta.lastUpdated (and source), and puts them first, where HAPI writes them; without a
   * version, leaves versionId and lastUpdated out.
   */
  private static void stamp(ObjectNode tree, String id, Integer version, Instant now, String source) {
    JsonNode given = tree.get("meta");
    if (given != null && !given.isObject()) {
      // The parser, which reads the stamped tree, would never see it: a meta of our own would replace it unsaid.
      throw FhirException.invalid("meta is a JSON object, not the "
          + given.getNodeType().name().toLowerCase(Locale.ROOT) + " " + given + ".");
    }
    ObjectNode meta = given != null ? (ObjectNode) given : Body.emptyObject();
    Map<String, JsonNode> restOfMeta = new LinkedHashMap<>();
    meta.fields().forEachRemaining(field -> restOfMeta.put(field.getKey(), field.getValue()));
    restOfMeta.remove("versionId");
    restOfMeta.remove("lastUpdated");
    meta.removeAll();
    if (version != null) {
      meta.put("versionId", Integer.toString(version));
      meta.put("lastUpdated", lastUpdated(now).getValueAsString());
    }
    if (source != null) {
      restOfMeta.put("source", meta.textNode(source));
    }
    meta.setAll(restOfMeta);
    Map<String, JsonNode> rest = new LinkedHashMap<>();
    tree.fields().forEachRemaining(field -> rest.put(field.getKey(), field.getValue()));
    JsonNode type = rest.remove("resourceType");
    rest.remove("id");
    rest.remove("meta");
    tree.removeAll();
    tree.set("resourceType", type);
    tree.put("id", id);
    tree.set("meta", meta);
    tree.setAll(rest);
  }

  /**
   * A version whose number and lastUpdated are not known yet, as a bulk import stages a line: its JSON lacks
   * {@code meta.versionId} and {@code meta.lastUpdated}, which the merge writes in at {@code stampAt}, just inside
   * the meta object.
   */
  public record Unversioned(String type, byte[] json, int stampAt, SearchIndex index) {}

  /**
   * {@code body} as an import stages it: id (and source) set, meta first without versionId and lastUpdated, parsed
   * with the base R4 rules (the model, in lenient mode, being what the parser kept), held to the rules on what a
   * stored resource may hold, and indexed.
   */
  public Unversioned unversioned(Body body, String id, String source) {
    ObjectNode tree = body.tree();
    Resource resource;
    byte[] json;
    if (tree != null) {
      stamp(tree, id, null, null, source);
      resource = body.resource();
      json = body.json();
    } else {
      resource = body.resource();
      ObjectNode kept = (ObjectNode) Body.read(fhir.encode(Format.JSON, resource, false));
      stamp(kept, id, null, null, source);
      json = Body.write(kept);
    }
    check(resource);
    ControlCharacters.check(json);
    return new Unversioned(resource.fhirType(), json, stampAt(json), index(resource, json));
  }

  /**
   * Where the meta object's members start: after {@code "meta":{}, which {@link #stamp} puts right after the
   * resource type and id, both ASCII, so that the character index is the byte index.
   */
  private static int stampAt(byte[] json) {
    String head = new String(json, 0, Math.min(json.length, 256), StandardCharsets.ISO_8859_1);
    return head.indexOf("\"meta\":{") + "\"meta\":{".length();
  }

  /** The next version of {@code resource}, replacing {@code current} (null when the resource is new). */
  public Write next(Resource resource, String id, ResourceVersion current, String source) {
    check(resource);
    if (source != null) {
      resource.getMeta().setSource(source);
    }
    int version = current == null ? 1 : current.version() + 1;
    Instant now = now(current);
    resource.setId(id);
    resource.getMeta().setVersionId(Integer.toString(version));
    // A new element, not setLastUpdated: that keeps the precision of a client's lastUpdated, which may be seconds.
    resource.getMeta().setLastUpdatedElement(lastUpdated(now));
    byte[] json = fhir.encode(Format.JSON, resource, false);
    // Reads parse these bytes again: a number HAPI would blow up (an XML 1e999999999) must not be stored.
    Numbers.check(json, Format.JSON);
    ControlCharacters.check(json);
    return new Write(resource.fhirType(), id, version, now, json, index(resource, json),
        resource.getMeta().getSource());
  }

  private SearchIndex index(Resource resource, byte[] json) {
    return search.extractor().extract(resource, json, maxIndexEntries);
  }

  /**
   * A SearchParameter that cannot be used for search is a 422 before anything is stored. One that can applies once
   * its write has committed (see {@code StoredSearchParameters}), on every node: a rolled-back one never does.
   */
  private void check(Resource resource) {
    if (resource instanceof SearchParameter definition) {
      search.parameters().check(definition);
    }
  }

  /** A server's lastUpdated: milliseconds, in UTC. */
  private static InstantType lastUpdated(Instant now) {
    return new InstantType(Date.from(now), TemporalPrecisionEnum.MILLI, UTC);
  }

  /** The deletion of {@code current}; {@code source} is the deleting system's (see {@code Caller}), or null. */
  public Write deletion(ResourceVersion current, String source) {
    return Write.delete(current.type(), current.id(), current.version() + 1, now(current), source);
  }

  /** Millisecond precision, as FHIR instants travel; never before the version it replaces. */
  private Instant now(ResourceVersion current) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    if (current != null && !now.isAfter(current.lastUpdated())) {
      return current.lastUpdated().plusMillis(1);
    }
    return now;
  }
}
