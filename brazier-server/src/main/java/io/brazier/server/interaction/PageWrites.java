package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.store.Store;
import io.brazier.store.Write;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The writes of a page of requests that commit together ({@link Commits#runAllRecorded}), each resource once, as
 * {@link Store#commit} takes them: requests that refer to the same missing resource share its placeholder, which the
 * page creates once (as a transaction's entries share theirs); a request that would write a resource a second time
 * otherwise is refused alone, before anything commits.
 */
final class PageWrites {
  /** Each request's writes, its placeholders first, in the order of the requests; none for one refused. */
  private final List<List<Write>> staged = new ArrayList<>();
  private final Set<String> owned = new HashSet<>();
  private final Set<String> placeholders = new HashSet<>();

  /**
   * Stages the next request's writes: its {@code placeholders} and its {@code own} writes; a 409, staging nothing,
   * when they would write a resource a second time in the page, other than a placeholder that another request needs
   * too.
   */
  void add(List<Write> placeholders, List<Write> own) {
    Optional<String> again = own.stream().map(PageWrites::key)
        .filter(key -> owned.contains(key) || this.placeholders.contains(key)).findFirst()
        .or(() -> placeholders.stream().map(PageWrites::key).filter(owned::contains).findFirst());
    if (again.isPresent()) {
      throw FhirException.conflict("Another write of the same commit writes " + again.get() + " already.");
    }
    placeholders.forEach(write -> this.placeholders.add(key(write)));
    own.forEach(write -> owned.add(key(write)));
    List<Write> writes = new ArrayList<>(placeholders);
    writes.addAll(own);
    staged.add(writes);
  }

  /** Stages nothing for the next request: it was refused. */
  void refused() {
    staged.add(List.of());
  }

  /** Drops the writes of a request refused after all; a placeholder it shared stays for the others. */
  void drop(int request) {
    staged.set(request, List.of());
  }

  /** The first request whose writes name the resource, or -1 when none does. */
  int writer(String type, String id) {
    String key = type + "/" + id;
    for (int i = 0; i < staged.size(); i++) {
      if (staged.get(i).stream().anyMatch(write -> key(write).equals(key))) {
        return i;
      }
    }
    return -1;
  }

  /** The page's writes to commit, one per resource: a placeholder that several requests staged is written once. */
  List<Write> writes() {
    Map<String, Write> writes = new LinkedHashMap<>();
    staged.forEach(request -> request.forEach(write -> writes.putIfAbsent(key(write), write)));
    return List.copyOf(writes.values());
  }

  private static String key(Write write) {
    return write.type() + "/" + write.id();
  }
}
