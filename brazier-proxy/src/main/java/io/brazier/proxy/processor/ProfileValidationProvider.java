package io.brazier.proxy.processor;

import io.brazier.fhir.InstanceValidator;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.List;
import java.util.Set;

/** Makes {@code profile-validation}: the definitions and policy of {@code --profiles}, checked at start. */
public final class ProfileValidationProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "profile-validation";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.PRE);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    if (settings.profiles() == null) {
      throw new IllegalArgumentException("--pre-processors profile-validation needs --profiles DIR: the"
          + " StructureDefinitions, FHIR packages (.tgz) and policy.json to validate against");
    }
    ProfilePolicy policy = ProfilePolicy.read(settings.profiles());
    InstanceValidator validator = new InstanceValidator(settings.fhir(),
        ProfileDefinitions.read(settings.fhir(), settings.profiles()));
    policy.rules().forEach((type, rule) -> unknown(validator, type, rule.profiles()));
    return new ProfileValidation(settings.fhir(), validator, policy);
  }

  private static void unknown(InstanceValidator validator, String type, List<String> profiles) {
    for (String profile : profiles) {
      if (!validator.holds(profile)) {
        throw new IllegalArgumentException("--profiles: policy.json names " + profile + " for " + type + ", which"
            + " no StructureDefinition of the directory nor of the base specification defines");
      }
    }
  }
}
