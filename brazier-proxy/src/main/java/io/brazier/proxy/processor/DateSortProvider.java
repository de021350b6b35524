package io.brazier.proxy.processor;

import io.brazier.proxy.Processor;
import io.brazier.proxy.ProcessorProvider;
import io.brazier.proxy.ProcessorSettings;
import java.util.Set;

/** Makes {@code date-sort}; {@code --processor-option date-sort.max=N} sets how many matches it sorts at most. */
public final class DateSortProvider implements ProcessorProvider {

  @Override
  public String name() {
    return "date-sort";
  }

  @Override
  public Set<Stage> stages() {
    return Set.of(Stage.PRE);
  }

  @Override
  public Processor create(ProcessorSettings settings) {
    String max = settings.option(name(), "max").orElse(String.valueOf(DateSort.DEFAULT_MAX));
    try {
      int parsed = Integer.parseInt(max);
      if (parsed >= 1) {
        return new DateSort(settings.fhir(), parsed);
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw new IllegalArgumentException("--processor-option date-sort.max must be a whole number of 1 or more, not '"
        + max + "'");
  }
}
