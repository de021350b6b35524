package io.brazier.proxy.processor;

import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.Set;

/** Makes {@code everything}. */
public final class EverythingProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "everything";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.PRE);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    return new Everything(settings.fhir());
  }
}
