package io.brazier.proxy;

import io.brazier.fhir.Fhir;
import io.brazier.proxy.ProcessorProvider.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor chain: the pre-processors and post-processors configured, made by their providers (found with
 * {@link ServiceLoader}), run in order. {@code brazier serve --auth} runs it as an interceptor of the server;
 * {@code brazier proxy} calls {@link #before} and {@link #after} around its call to the upstream.
 */
public final class Processors {
  private static final Logger log = LoggerFactory.getLogger(Processors.class);
  public static final Processors NONE = new Processors(null, List.of(), List.of());

  private final Fhir fhir;
  private final List<Processor> pre;
  private final List<Processor> post;

  Processors(Fhir fhir, List<Processor> pre, List<Processor> post) {
    this.fhir = fhir;
    this.pre = List.copyOf(pre);
    this.post = List.copyOf(post);
  }

  /**
   * The chain {@code config} names, each processor made once; an unknown name, a name in a list where its processor
   * does not belong, or a setting a processor refuses is an {@link IllegalArgumentException} saying what to fix.
   */
  public static Processors load(ProcessorConfig config, Fhir fhir) {
    Map<String, ProcessorProvider> providers = new TreeMap<>();
    ServiceLoader.load(ProcessorProvider.class).forEach(provider -> providers.put(provider.name(), provider));
    ProcessorSettings settings = new ProcessorSettings(fhir, config.profiles(), config.options());
    Processors chain = new Processors(fhir, made(config.pre(), Stage.PRE, providers, settings),
        made(config.post(), Stage.POST, providers, settings));
    if (!chain.isEmpty()) {
      log.info("Processors on pre={} post={}", config.pre(), config.post());
    }
    return chain;
  }

  private static List<Processor> made(List<String> names, Stage stage, Map<String, ProcessorProvider> providers,
      ProcessorSettings settings) {
    String flag = stage == Stage.PRE ? "--pre-processors" : "--post-processors";
    List<Processor> made = new ArrayList<>();
    for (String name : names) {
      ProcessorProvider provider = providers.get(name);
      if (provider == null) {
        throw new IllegalArgumentException(flag + ": there is no processor named '" + name + "'; the processors are "
            + String.join(", ", providers.keySet()));
      }
      if (!provider.stages().contains(stage)) {
        throw new IllegalArgumentException(flag + ": " + name + " is not a " + stage.name().toLowerCase()
            + "-processor; name it in " + (stage == Stage.PRE ? "--post-processors" : "--pre-processors"));
      }
      made.add(provider.create(settings));
    }
    return made;
  }

  /**
   * This chain with {@code last} after its pre-processors and after its post-processors: it sees every request as it
   * goes on to the server, and every answer as the client will get it.
   */
  public Processors followedBy(Processor last) {
    List<Processor> before = new ArrayList<>(pre);
    before.add(last);
    List<Processor> after = new ArrayList<>(post);
    after.add(last);
    return new Processors(fhir, before, after);
  }

  /** The FHIR model the processors were made with. */
  Fhir fhir() {
    return fhir;
  }

  public boolean isEmpty() {
    return pre.isEmpty() && post.isEmpty();
  }

  /** Runs the pre-processors in order, until one answers. */
  public Step before(ProxyRequest request) {
    ProxyRequest current = request;
    for (Processor processor : pre) {
      Step step = processor.before(current);
      if (step.answered()) {
        return step;
      }
      current = step.request();
    }
    return Step.proceed(current);
  }

  /** Runs the post-processors in order on an answer, the server's or a pre-processor's. */
  public ProxyResponse after(ProxyRequest request, ProxyResponse response) {
    ProxyResponse current = response;
    for (Processor processor : post) {
      current = processor.after(request, current);
    }
    return current;
  }
}
