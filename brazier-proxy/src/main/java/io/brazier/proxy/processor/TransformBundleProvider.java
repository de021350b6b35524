package io.brazier.proxy.processor;

import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.Set;

/** Makes {@code transform-bundle}. */
public final class TransformBundleProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "transform-bundle";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.PRE);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    return new TransformBundle(settings.fhir());
  }
}
