package io.brazier.proxy;

import java.util.Set;

/**
 * Makes a named {@link Processor}; found with {@link java.util.ServiceLoader}, so a jar on the class path adds one by
 * listing its provider class in {@code META-INF/services/io.brazier.proxy.ProcessorProvider}. The built-in ones are
 * {@code profile-validation}, {@code everything}, {@code transform-bundle} and {@code date-sort}.
 */
public interface ProcessorProvider {

  /** Where a processor may be named: {@code --pre-processors}, {@code --post-processors}. */
  enum Stage { PRE, POST }

  /** The name the flags use ({@code profile-validation}): lower case words joined by dashes. */
  String name();

  /** The lists it may be named in. */
  Set<Stage> stages();

  /**
   * The processor, made once at start. A setting it cannot work with is an {@link IllegalArgumentException} whose
   * message says what to fix (naming the flag), and the process does not start.
   */
  Processor create(ProcessorSettings settings);
}
