package io.brazier.loader.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Makes a bundle safe to send again: every entry that creates (POST without {@code ifNoneExist}) becomes {@code PUT
 * Type/id}, so that a loader killed after the server answered, and started again, writes the same resources once
 * more instead of duplicates. The id is the {@code urn:uuid} of the entry's fullUrl (Synthea's), the id of an
 * absolute {@code [base]/Type/id} fullUrl, or else one derived from the file's content and the entry's place. The
 * fullUrls then name {@code Type/id}: see {@link #aliases()}.
 */
final class Identities {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final String fileDigest;
  private final Map<String, String> aliases = new HashMap<>();
  private final Set<String> taken = new HashSet<>();
  private final List<Item> conditionalCreates = new ArrayList<>();

  Identities(String fileDigest) {
    this.fileDigest = fileDigest;
  }

  /**
   * Fixes the ids of {@code items}. In a batch, conditional creates are only collected ({@link
   * #conditionalCreates()}): other entries may refer to them, and a batch cannot say which resource they became.
   */
  void apply(List<Item> items, boolean batch) {
    for (Item item : items) {
      ObjectNode resource = item.resource();
      String fullUrl = item.entry().path("fullUrl").asText(null);
      if (item.writes() != null) {
        alias(fullUrl, item.writes());
      } else if (resource != null && item.method().equals("POST")) {
        if (!item.request().path("ifNoneExist").asText("").isEmpty()) {
          if (batch) {
            conditionalCreates.add(item);
          }
        } else {
          put(item, fullUrl);
        }
      }
    }
    rewrite(items);
  }

  /** Rewrites the references to the entries' fullUrls to the {@code Type/id} they name. */
  void rewrite(List<Item> items) {
    if (aliases.isEmpty()) {
      return;
    }
    for (Item item : items) {
      if (item.resource() != null) {
        Json.rewriteReferences(item.resource(), value -> aliases.getOrDefault(value, value));
      }
    }
  }

  /** Turns an entry into {@code PUT Type/id}, with the id its fullUrl names or one derived from the file. */
  void put(Item item, String fullUrl) {
    ObjectNode resource = item.resource();
    String type = resource.path("resourceType").asText();
    String id = idOf(fullUrl, type);
    if (id == null || !taken.add(type + "/" + id)) {
      id = UUID.nameUUIDFromBytes((fileDigest + "/" + item.index()).getBytes(StandardCharsets.UTF_8)).toString();
      taken.add(type + "/" + id);
    }
    putOnto(item, fullUrl, type + "/" + id);
  }

  /** Turns an entry into {@code PUT Type/id} of the resource {@code reference} names, which its fullUrl then names. */
  void putOnto(Item item, String fullUrl, String reference) {
    item.resource().put("id", reference.substring(reference.indexOf('/') + 1));
    ObjectNode request = item.request();
    request.removeAll();
    request.put("method", "PUT").put("url", reference);
    alias(fullUrl, reference);
  }

  void alias(String fullUrl, String reference) {
    taken.add(reference);
    if (fullUrl != null && !fullUrl.isEmpty()) {
      aliases.putIfAbsent(fullUrl, reference);
    }
  }

  /** The fullUrls of the entries and the {@code Type/id} each names now. */
  Map<String, String> aliases() {
    return aliases;
  }

  List<Item> conditionalCreates() {
    return conditionalCreates;
  }

  /** The id a fullUrl gives an entry of this type: {@code urn:uuid:[id]} or {@code [base]/[type]/[id]}. */
  static String idOf(String fullUrl, String type) {
    if (fullUrl == null) {
      return null;
    }
    String id = null;
    if (fullUrl.startsWith("urn:uuid:")) {
      id = fullUrl.substring("urn:uuid:".length());
    } else if (fullUrl.contains("/" + type + "/")) {
      id = fullUrl.substring(fullUrl.lastIndexOf("/" + type + "/") + type.length() + 2);
    }
    return id != null && ID.matcher(id).matches() ? id : null;
  }
}
