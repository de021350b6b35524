package io.brazier.fhir.search;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;

/**
 * HAPI's FHIRPath engines, lent one per use and taken back after it. An engine is not safe for two threads at once,
 * and making one costs tens of milliseconds (it goes through every R4 StructureDefinition). One engine per thread
 * made that cost again for every new thread: an import's readers are new threads for every input, and the web
 * server's pool lets idle threads go. Kept engines are lent again, so there are only as many as were ever in use at
 * once.
 */
public final class Engines {
  private final Supplier<FHIRPathEngine> make;
  private final Queue<FHIRPathEngine> idle = new ConcurrentLinkedQueue<>();
  private final AtomicInteger made = new AtomicInteger();

  public Engines(Supplier<FHIRPathEngine> make) {
    this.make = make;
  }

  /** What {@code use} gives with an engine that no other thread holds meanwhile. */
  public <T> T with(Function<FHIRPathEngine, T> use) {
    FHIRPathEngine engine = idle.poll();
    if (engine == null) {
      engine = make.get();
      made.incrementAndGet();
    }
    try {
      return use.apply(engine);
    } finally {
      idle.offer(engine);
    }
  }

  /** How many engines were made so far. */
  int made() {
    return made.get();
  }
}
