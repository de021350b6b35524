package io.brazier.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Timed runs of an in-process measurement: one warm-up, then --runs runs, each reported as it ends. */
final class Runs {
  @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each measurement.")
  int runs;

  interface Measured {
    /** Runs once; returns how many items (resources, matches) it handled. */
    long run() throws Exception;
  }

  /** A timed run: its items, seconds, the CPU seconds this process spent, and the machine's load before it. */
  record Run(int number, long items, double seconds, double cpuSeconds, String load) {
    double perSecond() {
      return items / seconds;
    }
  }

  interface Report {
    void print(Run run);
  }

  void time(Measured measured, Report report) throws Exception {
    measured.run();
    var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int run = 1; run <= runs; run++) {
      String load = Files.readString(Path.of("/proc/loadavg")).trim();
      long cpu = os.getProcessCpuTime();
      long started = System.nanoTime();
      long items = measured.run();
      double seconds = (System.nanoTime() - started) / 1e9;
      report.print(new Run(run, items, seconds, (os.getProcessCpuTime() - cpu) / 1e9, load));
    }
  }
}
