package io.brazier.bench;

import io.brazier.client.HttpFhirClient;
import io.brazier.loader.Load;
import io.brazier.loader.LoadReport;
import io.brazier.loader.LoaderConfig;
import io.brazier.loader.LogProgress;
import io.brazier.loader.files.Inputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The bulk loader ({@code brazier load}) as the client: the same files, as a user of the loader sends them. */
final class LoaderClient implements BundleClient {
  private final String baseUrl;

  LoaderClient(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @Override
  public BundlePoster.Result post(List<Path> files, int concurrency) {
    var target = new HttpFhirClient(URI.create(baseUrl), Optional.empty(), Duration.ofMinutes(10));
    LoaderConfig config = LoaderConfig.defaults().withSending(concurrency, 500, 500);
    try (Inputs inputs = Inputs.of(files.stream().map(Path::toString).toList())) {
      LoadReport report = new Load(target, config).run(inputs, new LogProgress(Duration.ofSeconds(30)));
      report.failures().forEach((file, reason) -> System.err.printf("%s: %s%n", file,
          reason.substring(0, Math.min(600, reason.length()))));
      return new BundlePoster.Result(report.resources(), report.failedEntries(), report.failures().size(),
          report.elapsed());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
