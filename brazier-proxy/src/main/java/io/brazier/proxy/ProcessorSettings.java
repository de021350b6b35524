package io.brazier.proxy;

import io.brazier.fhir.Fhir;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What processors are made with.
 *
 * @param fhir the FHIR model and parsers of this process
 * @param profiles the directory of StructureDefinitions, FHIR packages and the profile policy
 *     ({@code --profiles}), or null
 * @param options further settings of processors, {@code name.key=value} ({@code --processor-option}), for processors
 *     of other jars: each reads its own
 */
public record ProcessorSettings(Fhir fhir, Path profiles, Map<String, String> options) {

  public ProcessorSettings {
    options = Map.copyOf(options);
  }

  /** The option {@code processor.key}: {@code option("my-filter", "header")} reads {@code my-filter.header}. */
  public Optional<String> option(String processor, String key) {
    return Optional.ofNullable(options.get(processor + "." + key));
  }
}
