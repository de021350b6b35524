package io.brazier.server.operation;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether this process is quiet: work that no request needs yet (loading the validator's definitions) waits for it,
 * rather than taking the cores from the first requests after a start. Quiet is measured, not counted: the CPU time
 * the process used over a short window, whatever the work came through (HTTP, in process, jobs, the JIT compiler).
 */
final class Quiet {
  private static final Duration WINDOW = Duration.ofMillis(500);
  /** A quarter of one core: the change sequencer and the job runner polling use far less, a request far more. */
  private static final double BUSY_SHARE = 0.25;

  private final LongSupplier cpuNanos;

  /** @param cpuNanos the CPU time the process used so far, in nanoseconds; negative where it cannot be known */
  Quiet(LongSupplier cpuNanos) {
    this.cpuNanos = cpuNanos;
  }

  /** This process, as the operating system counts its CPU time. */
  static Quiet ofThisProcess() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return new Quiet(os instanceof com.sun.management.OperatingSystemMXBean counted ? counted::getProcessCpuTime
        : () -> -1);
  }

  /** Returns once the process used less than a quarter of a core over half a second (at once, if unknown). */
  void await() throws InterruptedException {
    long cpu = cpuNanos.getAsLong();
    long at = System.nanoTime();
    while (cpu >= 0) {
      Thread.sleep(WINDOW.toMillis());
      long cpuNow = cpuNanos.getAsLong();
      long now = System.nanoTime();
      if (cpuNow - cpu < BUSY_SHARE * (now - at)) {
        return;
      }
      cpu = cpuNow;
      at = now;
    }
  }
}
