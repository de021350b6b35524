package io.brazier.proxy.processor;

import io.brazier.proxy.CallerReach;
import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.Set;

/**
 * Makes {@code participant-filter}: a caller in a patient context or a participant role (Patient, Practitioner,
 * RelatedPerson) sees in answers only the data of its patients (see {@link PatientFilter}).
 */
public final class ParticipantFilterProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "participant-filter";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.POST);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    return new PatientFilter(settings.fhir(), CallerReach::confinement);
  }
}
