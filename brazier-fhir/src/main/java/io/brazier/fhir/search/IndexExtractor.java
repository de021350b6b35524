package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.search.SearchIndex.Qualifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts the search index of a resource: every parameter of its type, by evaluating the parameter's FHIRPath
 * (parsed once per type and registry version), plus the full-text words of {@code _text} and {@code _content}. It runs
 * on every write, so it does no I/O and nothing per call that it can do once.
 */
public final class IndexExtractor {
  private static final Logger log = LoggerFactory.getLogger(IndexExtractor.class);

  private final SearchParameters params;
  private final FhirPath fhirPath;
  private final IndexValues values;
  private final Map<String, Plan> plans = new ConcurrentHashMap<>();

  private record Plan(long version, List<Compiled> params) {}

  /** A parameter with its expression parsed; for a composite, the types and expressions of its components. */
  private record Compiled(SearchParam param, List<FhirPath.Term> terms, List<ParamType> componentTypes,
      List<List<FhirPath.Term>> components) {}

  IndexExtractor(Fhir fhir, SearchParameters params, FhirPath fhirPath, Units units) {
    this.params = params;
    this.fhirPath = fhirPath;
    this.values = new IndexValues(units, fhir::isResourceType);
  }

  /** The index of {@code resource}; {@code json} is its stored form, whose words {@code _content} searches. */
  public SearchIndex extract(Resource resource, byte[] json) {
    return extract(resource, json, Integer.MAX_VALUE);
  }

  /**
   * The index of {@code resource}, as {@link #extract(Resource, byte[])}, of at most {@code maxEntries} entries: a
   * 422 {@link io.brazier.fhir.FhirException} stops it at the entry past them.
   */
  public SearchIndex extract(Resource resource, byte[] json, int maxEntries) {
    SearchIndex.Builder index = new SearchIndex.Builder(maxEntries);
    params(index, resource, null);
    if (resource instanceof DomainResource domain && domain.hasContained()) {
      contained(index, domain);
    }
    fullText(index, resource, json);
    return index.build();
  }

  /**
   * The values of every parameter of the resource's type; named as contained values when
   * {@code containedType} (the resource's type) is set.
   */
  private void params(SearchIndex.Builder index, Resource resource, String containedType) {
    for (Compiled compiled : plan(resource.fhirType())) {
      String code = containedType == null ? compiled.param().code()
          : SearchIndex.containedOf(containedType, compiled.param().code());
      try {
        if (compiled.param().type() == ParamType.COMPOSITE) {
          composite(index, resource, compiled, code);
        } else {
          for (Base value : evaluate(resource, resource, compiled.terms())) {
            values.add(index, compiled.param().type(), code, null, value);
          }
        }
      } catch (IllegalStateException e) {
        // A custom expression that fails on this resource indexes nothing for it, rather than failing the write.
        log.debug("Search parameter {} not indexed: {}", compiled.param().url(), e.getMessage());
      }
    }
  }

  /**
   * The parameters of each contained resource, of its own type, under codes that say so (see
   * {@link SearchIndex#containedOf}), and its local id, so that {@code _contained} searches find the container.
   */
  private void contained(SearchIndex.Builder index, DomainResource container) {
    for (Resource contained : container.getContained()) {
      String type = contained.fhirType();
      params(index, contained, type);
      // Always a row, even for an id-less contained resource: a _contained search finds containers by it.
      String id = contained.getIdElement().getIdPart();
      index.add(new SearchIndex.TokenEntry(SearchIndex.containedOf(type, "_id"), null,
          id == null ? "" : id.startsWith("#") ? id.substring(1) : id, null));
    }
  }

  private void composite(SearchIndex.Builder index, Resource resource, Compiled compiled, String code) {
    for (Base item : evaluate(resource, resource, compiled.terms())) {
      List<Qualifier> qualifiers = new ArrayList<>();
      for (Base first : evaluate(resource, item, compiled.components().get(0))) {
        qualifiers.addAll(values.qualifiers(first));
      }
      if (qualifiers.isEmpty()) {
        continue;
      }
      for (Base value : evaluate(resource, item, compiled.components().get(1))) {
        for (Qualifier qualifier : qualifiers) {
          if (compiled.components().size() == 3) {
            for (Base third : evaluate(resource, item, compiled.components().get(2))) {
              values.numbers(index, code, qualifier, value, third);
            }
          } else {
            values.add(index, compiled.componentTypes().get(1), code, qualifier, value);
          }
        }
      }
    }
  }

  private List<Base> evaluate(Resource resource, Base focus, List<FhirPath.Term> terms) {
    if (terms.size() == 1) {
      return terms.get(0).evaluate(resource, focus);
    }
    List<Base> values = new ArrayList<>();
    for (FhirPath.Term term : terms) {
      values.addAll(term.evaluate(resource, focus));
    }
    return values;
  }

  private void fullText(SearchIndex.Builder index, Resource resource, byte[] json) {
    if (resource instanceof DomainResource domain && domain.hasText() && domain.getText().hasDiv()) {
      List<String> words = Words.of(domain.getText().getDiv().allText());
      if (!words.isEmpty()) {
        index.add(new SearchIndex.TextEntry("_text", words));
      }
    }
    if (json != null) {
      List<String> words = Words.ofJson(json);
      if (!words.isEmpty()) {
        index.add(new SearchIndex.TextEntry("_content", words));
      }
    }
  }

  private List<Compiled> plan(String type) {
    long version = params.version();
    Plan plan = plans.get(type);
    if (plan == null || plan.version() != version) {
      plan = new Plan(version, compile(type));
      plans.put(type, plan);
    }
    return plan.params();
  }

  private List<Compiled> compile(String type) {
    List<Compiled> compiled = new ArrayList<>();
    for (SearchParam param : params.forType(type)) {
      if (!param.isIndexed() || !params.hasOwnRows(type, param.code())) {
        continue;
      }
      try {
        if (param.type() == ParamType.COMPOSITE) {
          compileComposite(param).ifPresent(compiled::add);
        } else {
          compiled.add(new Compiled(param, fhirPath.terms(param.expression()), List.of(), List.of()));
        }
      } catch (IllegalArgumentException e) {
        log.warn("Search parameter not indexed url={} reason={}", param.url(), e.getMessage());
      }
    }
    return List.copyOf(compiled);
  }

  /** A composite the registry can index (see {@link SearchParameters#compositeTypes}), with its expressions parsed. */
  private Optional<Compiled> compileComposite(SearchParam param) {
    Optional<List<ParamType>> types = params.compositeTypes(param);
    if (types.isEmpty() || param.components().stream().anyMatch(component -> component.expression() == null)) {
      return Optional.empty();
    }
    List<List<FhirPath.Term>> expressions = new ArrayList<>();
    for (SearchParam.Component component : param.components()) {
      expressions.add(fhirPath.terms(component.expression()));
    }
    return Optional.of(new Compiled(param, fhirPath.terms(param.expression()), types.get(), expressions));
  }
}
