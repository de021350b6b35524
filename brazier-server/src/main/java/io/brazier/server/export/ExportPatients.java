package io.brazier.server.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.Criterion;
import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import io.brazier.store.AsOfScan;
import io.brazier.store.ResourceVersion;
import io.brazier.store.ScanPage;
import io.brazier.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The patients of a Patient or Group export, as of its sequence: a Group's members ({@code Group.member.entity},
 * those of nested Groups too, inactive ones left out, members that are neither reported, and so are those that did
 * not exist then), and which of a list of patients existed then.
 */
final class ExportPatients {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final int IDS_PER_SCAN = 1000;

  private final Store store;
  private final FhirSearch search;

  /** A Group's patient members, and what was left out and why. */
  record Members(List<String> patients, List<ExportRequest.Issue> issues) {}

  ExportPatients(Store store, FhirSearch search) {
    this.store = store;
    this.search = search;
  }

  /**
   * The members of Group/{@code id} as it was at {@code sequence}, with those of the Groups among them (as Microsoft's
   * FHIR server expands nested Groups; each Group once, so a cycle ends); a 404 when it did not exist then.
   */
  Members members(String id, long sequence) {
    List<ResourceVersion> group = read("Group", List.of(id), sequence);
    if (group.isEmpty()) {
      throw FhirException.notFound("Group", id);
    }
    Set<String> patients = new LinkedHashSet<>();
    List<ExportRequest.Issue> issues = new ArrayList<>();
    Set<String> seen = new HashSet<>(Set.of(id));
    for (List<ResourceVersion> level = group; !level.isEmpty(); ) {
      List<String> nested = new ArrayList<>();
      for (ResourceVersion version : level) {
        members(version, patients, nested, issues);
      }
      nested.removeIf(member -> !seen.add(member));
      level = read("Group", nested, sequence);
      Set<String> found = new HashSet<>();
      level.forEach(member -> found.add(member.id()));
      nested.stream().filter(member -> !found.contains(member)).forEach(member -> issues.add(
          new ExportRequest.Issue("error", "Group/" + member + ", a member of Group/" + id
              + ", did not exist: its members are not exported.")));
    }
    return new Members(List.copyOf(patients), issues);
  }

  /** The active members of one Group: patients into {@code patients}, Groups into {@code groups}. */
  private static void members(ResourceVersion group, Set<String> patients, List<String> groups,
      List<ExportRequest.Issue> issues) {
    for (JsonNode member : tree(group.json()).path("member")) {
      if (member.path("inactive").asBoolean(false)) {
        continue;
      }
      String reference = member.path("entity").path("reference").asText("");
      int slash = reference.indexOf('/');
      String type = slash < 0 ? "" : reference.substring(0, slash);
      String memberId = reference.substring(slash + 1);
      if (type.equals("Patient") && Fhir.isValidId(memberId)) {
        patients.add(memberId);
      } else if (type.equals("Group") && Fhir.isValidId(memberId)) {
        groups.add(memberId);
      } else {
        issues.add(new ExportRequest.Issue("error", "Group/" + group.id() + " has a member that is not a Patient"
            + " or a Group (" + (reference.isEmpty() ? "no reference" : reference) + "): it is not exported."));
      }
    }
  }

  /**
   * An error for each of these patient members of Group/{@code group} that did not exist at the export's sequence (is
   * not among {@code existing}, as {@link #existing} found them), saying why: deleted, never stored, or stored only
   * since. The Bulk Data manifest's error file is where an export says what it could not export
   * (https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status).
   */
  List<ExportRequest.Issue> missing(String group, List<String> members, Set<String> existing) {
    List<String> missing = members.stream().filter(id -> !existing.contains(id)).map(id -> "Patient/" + id).toList();
    if (missing.isEmpty()) {
      return List.of();
    }
    Map<String, ResourceVersion> current = store.current(missing);
    List<ExportRequest.Issue> issues = new ArrayList<>();
    for (String reference : missing) {
      ResourceVersion now = current.get(reference);
      String why = now == null ? "is not stored on this server" : now.deleted() ? "was deleted"
          : "was stored only after the export started";
      issues.add(new ExportRequest.Issue("error", reference + ", a member of Group/" + group + ", " + why
          + ": it is not exported."));
    }
    return issues;
  }

  /** Which of these patients existed (and were not deleted) at {@code sequence}. */
  Set<String> existing(List<String> patients, long sequence) {
    Set<String> existing = new HashSet<>();
    read("Patient", patients, sequence).forEach(patient -> existing.add(patient.id()));
    return existing;
  }

  private List<ResourceVersion> read(String type, List<String> ids, long sequence) {
    List<ResourceVersion> found = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += IDS_PER_SCAN) {
      List<String> some = ids.subList(from, Math.min(ids.size(), from + IDS_PER_SCAN));
      SearchQuery query = SearchQuery.of(List.of(type), List.of(new Criterion.IdMatch(some, false)));
      AsOfScan scan = new AsOfScan(type, sequence, query, null, IDS_PER_SCAN);
      for (ScanPage page = store.scan(scan, search); ; page = store.scan(scan, search)) {
        found.addAll(page.versions());
        if (page.next() == null) {
          break;
        }
        scan = scan.after(page.next());
      }
    }
    return found;
  }

  private static JsonNode tree(byte[] json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("A stored Group is not JSON", e);
    }
  }
}
