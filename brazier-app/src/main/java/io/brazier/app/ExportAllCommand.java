package io.brazier.app;

import io.brazier.loader.TypeExport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code brazier export all}: every resource of one type, in parallel time slices, as the original's {@code $alt-export-all}. */
@Command(
    name = "all",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Exports every resource of one type last updated in [--since, --till), in parallel time slices.",
        "The range is split into --parallel slices of about equal counts (by",
        "_summary=count searches), fetched at once. Resources changed while the export",
        "runs are counted in the summary and the manifest: export them next with",
        "--since the manifest's transactionTime. --fhir names the server (any, as",
        "$alt-export-all's _baseAddress) and --resource or --scope the audience of its",
        "token (as _audience).",
        "Example: brazier export all --fhir URL --type Observation --parallel 4 --out ./export"})
final class ExportAllCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file of option defaults (fhir=..., out=...). Env: BRAZIER_CONFIG.")
  Path config;

  @Option(names = "--type", required = true, paramLabel = "TYPE", description = "The resource type, e.g. Observation.")
  String type;

  @Option(names = "--since", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only resources last updated at or after this instant or date (default: all).")
  Instant since;

  @Option(names = "--till", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only resources last updated before this instant or date (default: the export's start).")
  Instant till;

  @Option(names = "--parallel", defaultValue = "4", paramLabel = "N",
      description = "Slices fetched at once, 1 to 100 (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--search-interval", paramLabel = "SECONDS",
      description = "The range is cut into slices at windows no finer than this many seconds: fewer count"
          + " searches, less even slices; needs --parallel above 1 (default: to the millisecond).")
  Integer searchInterval;

  @Option(names = "--page-size", defaultValue = "1000", paramLabel = "N",
      description = "Resources asked for per page (_count) (default: ${DEFAULT-VALUE}).")
  int pageSize;

  @Mixin
  ClientOptions client;

  @Mixin
  ExportOutput output;

  @Override
  public Integer call() throws InterruptedException {
    TypeExport request = Usage.checked(spec, () -> new TypeExport(type, since, till, parallel, pageSize,
        searchInterval == null ? TypeExport.FINEST : Duration.ofSeconds(searchInterval)));
    return ExportCommand.run(spec, client, client.concurrency(parallel), output, request);
  }

  /** An instant ({@code 2024-05-01T12:00:00Z}, an offset allowed) or a date (its start, UTC). */
  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return value.contains("T") ? OffsetDateTime.parse(value).toInstant()
            : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException("'" + value + "' is not an instant such as 2024-05-01T12:00:00Z or a date"
            + " such as 2024-05-01");
      }
    }
  }
}
