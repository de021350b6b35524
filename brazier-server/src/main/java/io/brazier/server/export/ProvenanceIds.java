package io.brazier.server.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.search.DateRange;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Provenance an export writes beside its resources ({@code includeAssociatedData}): the ids, sorted, of those
 * that target a resource in the export's finished files, as of its sequence (for {@code LatestProvenanceResources}
 * only each resource's most recently recorded one), less those the export wrote already as a type of its own. The
 * files and the scans are the same whenever they are read, so a run that takes over finds the same ids.
 */
final class ProvenanceIds {
  private static final ObjectMapper JSON =
      Jackson.builder().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();
  private static final String PROVENANCE = "Provenance";
  /** How many exported resources one scan looks for among the Provenance targets. */
  private static final int KEYS_PER_SCAN = 1000;

  private final ExportParts parts;
  private final ExportRequest request;

  /** What a line of a file is read for: which resource it is. */
  private record Key(String resourceType, String id) {}

  /** A Provenance that targets a resource, and when it was recorded: the latest of a resource's wins. */
  private record Candidate(long recorded, String id) {
    boolean laterThan(Candidate other) {
      return recorded != other.recorded ? recorded > other.recorded : id.compareTo(other.id) > 0;
    }
  }

  private ProvenanceIds(ExportParts parts, ExportRequest request) {
    this.parts = parts;
    this.request = request;
  }

  /** The ids of the Provenance targeting the resources of {@code files}, sorted. */
  static List<String> read(ExportParts parts, ExportRequest request, ExportFolder folder, List<FileState> files) {
    return new ProvenanceIds(parts, request).read(folder, files);
  }

  private List<String> read(ExportFolder folder, List<FileState> files) {
    TreeSet<String> ids = new TreeSet<>();
    List<String> keys = new ArrayList<>(KEYS_PER_SCAN);
    for (FileState file : files) {
      try (InputStream in = parts.storage().read(folder, file.name());
          MappingIterator<Key> lines = JSON.readerFor(Key.class).readValues(in)) {
        while (lines.hasNext()) {
          Key key = lines.next();
          keys.add(key.resourceType() + "/" + key.id());
          if (keys.size() == KEYS_PER_SCAN) {
            ids.addAll(targeting(keys));
            keys.clear();
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read back " + file.name() + " of export " + folder.job(), e);
      }
    }
    if (!keys.isEmpty()) {
      ids.addAll(targeting(keys));
    }
    ids.removeAll(exportedAlready(new ArrayList<>(ids)));
    return new ArrayList<>(ids);
  }

  /** The Provenance targeting some of {@code keys} ({@code Type/id}): all of them, or the latest of each key. */
  private Set<String> targeting(List<String> keys) {
    List<ResourceVersion> found = all(parts.scans().targeting(request, PROVENANCE, "target", keys));
    if (request.provenance() == ExportRequest.Provenance.RELEVANT) {
      Set<String> ids = new HashSet<>();
      found.forEach(version -> ids.add(version.id()));
      return ids;
    }
    Set<String> wanted = new HashSet<>(keys);
    Map<String, Candidate> latest = new HashMap<>();
    for (ResourceVersion version : found) {
      JsonNode provenance = tree(version.json());
      Candidate candidate = new Candidate(recorded(provenance), version.id());
      for (JsonNode target : provenance.path("target")) {
        String key = key(target.path("reference").asText(""));
        if (wanted.contains(key)) {
          latest.merge(key, candidate, (was, now) -> now.laterThan(was) ? now : was);
        }
      }
    }
    Set<String> ids = new HashSet<>();
    latest.values().forEach(candidate -> ids.add(candidate.id()));
    return ids;
  }

  /** Which of {@code ids} the export wrote already, when it exports Provenance as a type of its own. */
  private Set<String> exportedAlready(List<String> ids) {
    Set<String> exported = new HashSet<>();
    if (!request.types().contains(PROVENANCE)) {
      return exported;
    }
    for (int from = 0; from < ids.size(); from += KEYS_PER_SCAN) {
      AsOfScan scan = parts.scans().among(request, PROVENANCE,
          ids.subList(from, Math.min(ids.size(), from + KEYS_PER_SCAN)));
      if (scan != null) {
        all(scan).forEach(version -> exported.add(version.id()));
      }
    }
    return exported;
  }

  private List<ResourceVersion> all(AsOfScan first) {
    List<ResourceVersion> versions = new ArrayList<>();
    for (AsOfScan scan = first; scan != null; ) {
      ScanPage page = parts.store().scan(scan, parts.search());
      versions.addAll(page.versions());
      scan = page.next() == null ? null : scan.after(page.next());
    }
    return versions;
  }

  /** {@code Type/id} of a reference, relative or absolute, versioned or not. */
  private static String key(String reference) {
    String[] parts = reference.split("/_history/", 2)[0].split("/");
    return parts.length < 2 ? "" : parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }

  /** When a Provenance was recorded (its {@code recorded}, required), in milliseconds; the earliest when absent. */
  private static long recorded(JsonNode provenance) {
    String recorded = provenance.path("recorded").asText("");
    try {
      return recorded.isEmpty() ? Long.MIN_VALUE : DateRange.parse(recorded).lo();
    } catch (IllegalArgumentException e) {
      return Long.MIN_VALUE;
    }
  }

  private static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("A stored Provenance is not JSON", e);
    }
  }
}
