package io.brazier.fhir.search;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import io.brazier.testkit.Parallel;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class EnginesTest {
  private static final FhirContext CONTEXT = FhirContext.forR4Cached();
  private static final HapiWorkerContext WORKER = new HapiWorkerContext(CONTEXT, CONTEXT.getValidationSupport());

  private final Engines engines = new Engines(() -> new FHIRPathEngine(WORKER));

  @Test
  void threadsThatComeAndGoShareOneEngine() throws InterruptedException {
    Patient patient = new Patient().setActive(true);
    for (int i = 0; i < 5; i++) {
      Thread reader = new Thread(() -> engines.with(engine -> engine.evaluate(patient, "active")));
      reader.start();
      reader.join();
    }

    assertThat(engines.made()).isEqualTo(1);
  }

  @Test
  void threadsAtOnceEachHoldAnEngineOfTheirOwn() throws Exception {
    int threads = 3;
    CyclicBarrier allHolding = new CyclicBarrier(threads);
    Set<FHIRPathEngine> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    Parallel.Run<Boolean> run = Parallel.run(threads, 1, (thread, step) -> engines.with(engine -> {
      held.add(engine);
      await(allHolding); // every thread holds its engine at this moment
      return true;
    }));

    assertThat(run.mostAtOnce()).isEqualTo(threads);
    assertThat(held).hasSize(threads);
    engines.with(engine -> engine.evaluate(new Patient(), "active"));
    assertThat(engines.made()).as("an engine given back is lent again").isEqualTo(threads);
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
