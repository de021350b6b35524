package io.brazier.server.operation;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether this process is quiet: work that no request needs yet (loading the validator's definitions) waits for it,
 * rather than taking the cores, or the heap its classes fill, from the requests. Quiet means both: no request was
 * being answered over a short window, and the process used little CPU time over it, whatever the work came through
 * (HTTP, in process, jobs, the JIT compiler).
 */
final class Quiet {
  private static final Duration WINDOW = Duration.ofMillis(500);
  /** A quarter of one core: the change sequencer and the job runner polling use far less, a request far more. */
  private static final double BUSY_SHARE = 0.25;

  private final LongSupplier cpuNanos;
  private final RequestsInFlight requests;

  /** What the process had done at one moment. */
  private record Sample(long cpuNanos, long at, long requestsBegun, boolean requestOpen) {}

  /**
   * @param cpuNanos the CPU time the process used so far, in nanoseconds; negative where it cannot be known
   * @param requests the requests of this process's API
   */
  Quiet(LongSupplier cpuNanos, RequestsInFlight requests) {
    this.cpuNanos = cpuNanos;
    this.requests = requests;
  }

  /** This process, as the operating system counts its CPU time. */
  static Quiet ofThisProcess(RequestsInFlight requests) {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return new Quiet(os instanceof com.sun.management.OperatingSystemMXBean counted ? counted::getProcessCpuTime
        : () -> -1, requests);
  }

  /**
   * Returns once, over half a second, no request was open or began and the process used less than a quarter of a
   * core (its requests alone decide where its CPU time is unknown).
   */
  void await() throws InterruptedException {
    Sample last = sample();
    while (true) {
      Thread.sleep(WINDOW.toMillis());
      Sample now = sample();
      if (quietBetween(last, now)) {
        return;
      }
      last = now;
    }
  }

  private Sample sample() {
    return new Sample(cpuNanos.getAsLong(), System.nanoTime(), requests.begun(), requests.anyOpen());
  }

  private static boolean quietBetween(Sample last, Sample now) {
    boolean noRequest = !last.requestOpen() && !now.requestOpen() && now.requestsBegun() == last.requestsBegun();
    boolean idle = last.cpuNanos() < 0 || now.cpuNanos() - last.cpuNanos() < BUSY_SHARE * (now.at() - last.at());
    return noRequest && idle;
  }
}
