package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.InstanceValidator;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAPI's instance validator over the base R4 definitions and the definitions stored in this server. It is expensive
 * to build and thread-safe, so one serves every request. Its chain caches what the stored definitions served, and
 * what it derived from them; when one of them has changed in the store, the chain's caches are dropped before the
 * next validation. The worker context above the chain keeps its own: it holds only the base definitions.
 */
final class Validator {
  private static final Logger log = LoggerFactory.getLogger(Validator.class);

  private final StoredDefinitions definitions;
  private final InstanceValidator validator;
  /** Validations share it, dropping the caches takes it alone: no validation caches a definition as it is dropped. */
  private final ReadWriteLock lock = new ReentrantReadWriteLock(true);
  private final AtomicBoolean loading = new AtomicBoolean();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  Validator(Fhir fhir, Store store) {
    this.definitions = new StoredDefinitions(fhir, store);
    this.validator = new InstanceValidator(fhir, definitions);
  }

  /**
   * Loads the base definitions in the background once the process is quiet: the first validation would otherwise
   * take some ten seconds, as long as HAPI's clients wait for an answer by default, but a load or the JIT compiler
   * busy after a start must not share its cores with this. A validation that comes first loads them itself.
   */
  void warmUpWhenQuiet(Quiet quiet) {
    Thread thread = new Thread(() -> {
      try {
        quiet.await();
        load();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "brazier-validator-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /** Loads the base definitions, once: the first caller does, the others wait for it. */
  private void load() {
    if (!loading.compareAndSet(false, true)) {
      ready.join();
      return;
    }
    long start = System.nanoTime();
    try {
      run("{\"resourceType\":\"Patient\",\"gender\":\"unknown\"}", List.of());
      log.info("Validator ready ms={}", (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      log.warn("Validator warm-up failed; the first $validate will load the definitions instead", e);
    } finally {
      ready.complete(null);
    }
  }

  /** Validates a resource given as JSON or XML text, which the validator reads itself, also against profiles. */
  OperationOutcome validate(String resource, List<String> profiles) {
    load(); // rather than load the definitions a second time, alongside the warm-up
    return run(resource, profiles);
  }

  private OperationOutcome run(String resource, List<String> profiles) {
    if (definitions.changed()) {
      forgetDefinitions();
    }
    lock.readLock().lock();
    try {
      List<String> known = new ArrayList<>();
      List<String> unknown = new ArrayList<>();
      for (String profile : profiles) {
        (validator.holds(profile) ? known : unknown).add(profile);
      }
      OperationOutcome outcome = validator.validate(resource, known);
      // HAPI would only warn; but a client that names a profile wants to know that the resource was not checked.
      unknown.forEach(profile -> outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.NOTFOUND)
          .setDiagnostics("Profile " + profile + " is not held by this server, so the resource was not checked"
              + " against it: create its StructureDefinition first."));
      return outcome;
    } finally {
      lock.readLock().unlock();
    }
  }

  private void forgetDefinitions() {
    lock.writeLock().lock();
    try {
      if (definitions.changed()) { // another request may have dropped them while this one waited
        validator.forgetDefinitions(); // which tells the stored definitions to forget what they served
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
