package io.brazier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** The Synthea bundles a benchmark loads: --bundles and --limit. */
final class SyntheaBundles {
  @Option(names = "--bundles", defaultValue = "../shared/data/synthea/bundles",
      description = "Directory of Synthea bundles (*.json or *.json.gz) (default: ${DEFAULT-VALUE}).")
  Path bundles;

  @Option(names = "--limit", defaultValue = "0",
      description = "Load only the first N patient bundles, for short runs (default: all).")
  int limit;

  @Option(names = "--skip", defaultValue = "0",
      description = "Leave out the first N patient bundles, before --limit counts (default: ${DEFAULT-VALUE}).")
  int skip;

  /**
   * The bundles, reference data apart: hospitals then practitioners (which patients refer to, so loaded first, by
   * one client), and --limit patients after the first --skip.
   */
  record Split(List<Path> reference, List<Path> patients) {}

  Split split() throws IOException {
    List<Path> reference = new ArrayList<>();
    List<Path> patients = new ArrayList<>();
    try (Stream<Path> files = Files.list(bundles)) {
      files.filter(file -> file.getFileName().toString().matches(".*\\.json(\\.gz)?")).sorted().forEach(file -> {
        String name = file.getFileName().toString();
        (name.startsWith("hospital") || name.startsWith("practitioner") ? reference : patients).add(file);
      });
    }
    reference.sort(Comparator.comparing(file -> !file.getFileName().toString().startsWith("hospital")));
    List<Path> kept = patients.subList(Math.min(skip, patients.size()), patients.size());
    return new Split(reference, limit > 0 ? kept.subList(0, Math.min(limit, kept.size())) : kept);
  }
}
