package io.brazier.proxy.processor;

import ca.uhn.fhir.util.FhirTerser;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Reference;

/**
 * The entries of a batch sent in rounds, each a batch of its own: a batch's entries may not depend on each other
 * (https://hl7.org/fhir/R4/http.html#brules, and a server checking references refuses a reference to a resource it
 * writes in the same batch), so an entry that refers to a resource another entry writes ({@code PUT Type/id}) goes
 * in a round after that entry's. An entry whose target failed is not sent, and answers 424; entries that refer to
 * each other in a circle share the last round. The answer is one batch-response, entry by entry in the batch's
 * order.
 */
final class BatchRounds {
  private final List<BundleEntryComponent> entries;
  private final List<Set<Integer>> dependencies;
  private final List<List<Integer>> rounds;

  BatchRounds(Bundle batch, FhirTerser terser) {
    this.entries = batch.getEntry();
    this.dependencies = dependencies(entries, terser);
    this.rounds = rounds(dependencies);
  }

  /** How many batches it takes: 1 when no entry refers to another. */
  int size() {
    return rounds.size();
  }

  /** Per entry, the entries that write what its resource refers to. */
  private static List<Set<Integer>> dependencies(List<BundleEntryComponent> entries, FhirTerser terser) {
    Map<String, Integer> writers = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryRequestComponent request = entries.get(i).getRequest();
      if (request.getMethod() == HTTPVerb.PUT && entries.get(i).hasResource() && request.hasUrl()
          && !request.getUrl().contains("?")) {
        writers.put(request.getUrl(), i);
      }
    }
    List<Set<Integer>> dependencies = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Set<Integer> targets = new TreeSet<>();
      if (entries.get(i).hasResource()) {
        for (Reference reference : terser.getAllPopulatedChildElementsOfType(entries.get(i).getResource(),
            Reference.class)) {
          Integer writer = writers.get(reference.getReference());
          if (writer != null && writer != i) {
            targets.add(writer);
          }
        }
      }
      dependencies.add(targets);
    }
    return dependencies;
  }

  /** Each round the entries whose targets are all in earlier rounds; a circle, all that is left. */
  private static List<List<Integer>> rounds(List<Set<Integer>> dependencies) {
    List<List<Integer>> rounds = new ArrayList<>();
    Set<Integer> placed = new HashSet<>();
    List<Integer> left = IntStream.range(0, dependencies.size()).boxed().collect(Collectors.toList());
    while (!left.isEmpty()) {
      List<Integer> round = left.stream().filter(i -> placed.containsAll(dependencies.get(i))).toList();
      if (round.isEmpty()) {
        round = List.copyOf(left);
      }
      rounds.add(round);
      placed.addAll(round);
      left.removeAll(round);
    }
    return rounds;
  }

  /** Sends the rounds in order; the batch-response of all of them. */
  Bundle send(Upstream upstream) {
    BundleEntryComponent[] answers = new BundleEntryComponent[entries.size()];
    for (List<Integer> round : rounds) {
      List<Integer> sent = new ArrayList<>();
      for (int i : round) {
        Integer failed = failedTarget(i, answers);
        if (failed == null) {
          sent.add(i);
        } else {
          answers[i] = answer("424 Failed Dependency", Outcomes.error(IssueType.PROCESSING, "Not sent: it refers"
              + " to what entry " + failed + " (" + name(failed) + ") writes, and that entry failed."));
        }
      }
      send(sent, upstream, answers);
    }
    Bundle response = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
    for (BundleEntryComponent answer : answers) {
      response.addEntry(answer);
    }
    return response;
  }

  private void send(List<Integer> sent, Upstream upstream, BundleEntryComponent[] answers) {
    if (sent.isEmpty()) {
      return;
    }
    Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
    sent.forEach(i -> batch.addEntry(entries.get(i)));
    try {
      List<BundleEntryComponent> answered = upstream.batch(batch).getEntry();
      if (answered.size() != sent.size()) {
        throw new FhirException(502, IssueType.EXCEPTION, "The server answered a batch of " + sent.size()
            + " entries with " + answered.size() + ".");
      }
      for (int k = 0; k < sent.size(); k++) {
        answers[sent.get(k)] = answered.get(k);
      }
    } catch (FhirException e) {
      sent.forEach(i -> answers[i] = answer(String.valueOf(e.status()), e.outcome()));
    }
  }

  /** An entry that {@code i} refers to and that failed, or null. */
  private Integer failedTarget(int i, BundleEntryComponent[] answers) {
    for (int target : dependencies.get(i)) {
      BundleEntryComponent answer = answers[target];
      if (answer != null && !answer.getResponse().getStatus().startsWith("2")) {
        return target;
      }
    }
    return null;
  }

  private String name(int i) {
    BundleEntryComponent entry = entries.get(i);
    return entry.hasFullUrl() ? entry.getFullUrl() : entry.getRequest().getUrl();
  }

  private static BundleEntryComponent answer(String status, OperationOutcome outcome) {
    BundleEntryComponent entry = new BundleEntryComponent();
    entry.getResponse().setStatus(status).setOutcome(outcome);
    return entry;
  }
}
