package io.brazier.app;

import io.brazier.proxy.ProcessorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The processor chain: the options that {@code serve --auth} and {@code proxy} share. */
final class ProcessorOptions {

  @Option(names = "--pre-processors", split = ",", paramLabel = "NAME",
      description = "Processors that see each request before the FHIR server, in this order: transform-bundle,"
          + " profile-validation, everything, date-sort, or one of a jar on the class path.")
  List<String> pre = List.of();

  @Option(names = "--post-processors", split = ",", paramLabel = "NAME",
      description = "Processors of jars on the class path that see each answer, in this order.")
  List<String> post = List.of();

  @Option(names = "--profiles", paramLabel = "DIR",
      description = "For profile-validation: StructureDefinitions (.json), FHIR packages (.tgz) and policy.json,"
          + " which names the profiles each resource type must meet.")
  Path profiles;

  @Option(names = "--processor-option", paramLabel = "NAME.KEY=VALUE",
      description = "A setting of a processor (repeatable), e.g. date-sort.max=10000.")
  Map<String, String> options = Map.of();

  boolean named() {
    return !pre.isEmpty() || !post.isEmpty();
  }

  ProcessorConfig config() {
    return new ProcessorConfig(pre, post, profiles, options == null ? Map.of() : options);
  }
}
