package io.brazier.loader;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.loader.send.FileOutcome;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loader's counters as Prometheus scrapes them and as the status page shows them. */
class LoaderMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger queued = new AtomicInteger();

  @Test
  void filesAreCountedByOutcomeAndTheirResourcesAsLoadedOrFailed() {
    LoaderMetrics metrics = new LoaderMetrics(registry, "folder", queued::get);

    metrics.outcome(FileOutcome.loaded("a.json", 5, null));
    metrics.outcome(new FileOutcome("b.ndjson", 3, 2, "2 lines were not loaded", null, null, null, List.of()));
    metrics.outcome(FileOutcome.unusable("c.txt", "not a file the loader reads"));
    metrics.outcome(FileOutcome.split("d.json", List.of(new byte[1], new byte[1])));
    queued.set(7);

    LoaderStatus status = metrics.status(queued.get(), 1);
    assertThat(status.filesProcessed()).isEqualTo(1);
    assertThat(status.filesFailed()).isEqualTo(2);
    assertThat(status.resources()).isEqualTo(8);
    assertThat(status.failedEntries()).isEqualTo(2);
    String scraped = registry.scrape();
    assertThat(scraped).contains("brazier_loader_files_total{outcome=\"processed\",storage=\"folder\"} 1.0",
        "brazier_loader_files_total{outcome=\"failed\",storage=\"folder\"} 2.0",
        "brazier_loader_files_total{outcome=\"split\",storage=\"folder\"} 1.0",
        "brazier_loader_resources_total{outcome=\"loaded\",storage=\"folder\"} 8.0",
        "brazier_loader_resources_total{outcome=\"failed\",storage=\"folder\"} 2.0",
        "brazier_loader_queued{storage=\"folder\"} 7.0");
  }

  @Test
  void twoServicesOnOneRegistryCountApart() {
    LoaderMetrics folder = new LoaderMetrics(registry, "folder", () -> 0);
    LoaderMetrics blob = new LoaderMetrics(registry, "blob", () -> 0);

    folder.outcome(FileOutcome.loaded("a.json", 5, null));
    blob.outcome(FileOutcome.unusable("b.json", "not JSON"));
    folder.entries(5);

    assertThat(folder.status(0, 0)).extracting(LoaderStatus::filesProcessed, LoaderStatus::filesFailed,
        LoaderStatus::resources).containsExactly(1L, 0L, 5L);
    assertThat(blob.status(0, 0)).extracting(LoaderStatus::filesProcessed, LoaderStatus::filesFailed,
        LoaderStatus::resources, LoaderStatus::resourcesPerSecond).containsExactly(0L, 1L, 0L, 0.0);
  }

  @Test
  void theRateCountsTheEntriesAnsweredInTheLastMinuteAndTheTotalKeepsThemAll() {
    LoaderMetrics metrics = new LoaderMetrics(registry, "folder", () -> 0);

    assertThat(metrics.status(0, 0).resourcesPerSecond()).isZero();
    metrics.entries(40);
    metrics.entries(60);

    // Answered within the last second: the rate is what they add up to, not more.
    assertThat(metrics.status(0, 0).resourcesPerSecond()).isEqualTo(100.0);
    assertThat(registry.scrape()).contains("brazier_loader_entries_total{storage=\"folder\"} 100.0");
  }
}
