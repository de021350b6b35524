package io.brazier.proxy.processor;

import io.brazier.proxy.CallerReach;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.Set;

/**
 * Makes {@code consent-opt-out}: answers leave out the data of patients whose opt-out Consent (active, deny, of the
 * category {@code --consent-category}) names the caller, or no one (see {@link PatientFilter}).
 */
public final class ConsentOptOutProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "consent-opt-out";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.POST);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    return new PatientFilter(settings.fhir(), CallerReach::optOuts);
  }
}
