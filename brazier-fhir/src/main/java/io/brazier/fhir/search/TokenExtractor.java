package io.brazier.fhir.search;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import io.brazier.fhir.Fhir;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;

/**
 * Extracts the values of token search parameters from a resource, with each parameter's FHIRPath expression compiled
 * once. For now it indexes {@code identifier}, which conditional interactions need, and {@code url} (a uri
 * parameter, kept as a token without system), by which $validate finds stored StructureDefinitions, ValueSets and
 * CodeSystems by their canonical url.
 */
public final class TokenExtractor {
  static final List<String> INDEXED = List.of("identifier", "url");
  private static final Set<RestSearchParameterTypeEnum> TYPES =
      EnumSet.of(RestSearchParameterTypeEnum.TOKEN, RestSearchParameterTypeEnum.URI);

  private final Fhir fhir;
  private final ThreadLocal<FHIRPathEngine> engines;
  private final Map<String, List<Compiled>> byType = new ConcurrentHashMap<>();

  private record Compiled(String param, ExpressionNode expression) {}

  public TokenExtractor(Fhir fhir) {
    this.fhir = fhir;
    // The context's own validation support, shared with every other FHIRPath user: the R4 definitions load once.
    HapiWorkerContext worker = new HapiWorkerContext(fhir.context(), fhir.context().getValidationSupport());
    this.engines = ThreadLocal.withInitial(() -> new FHIRPathEngine(worker));
  }

  public List<Token> extract(Resource resource) {
    List<Token> tokens = new ArrayList<>();
    FHIRPathEngine engine = engines.get();
    for (Compiled compiled : compiled(resource.fhirType())) {
      for (Base value : engine.evaluate(resource, compiled.expression())) {
        add(tokens, compiled.param(), value);
      }
    }
    return tokens;
  }

  private List<Compiled> compiled(String type) {
    return byType.computeIfAbsent(type, t -> {
      List<Compiled> result = new ArrayList<>();
      FHIRPathEngine engine = engines.get();
      for (String name : INDEXED) {
        RuntimeSearchParam param = fhir.definition(t).getSearchParam(name);
        if (param != null && TYPES.contains(param.getParamType()) && param.getPath() != null
            && !param.getPath().isBlank()) {
          result.add(new Compiled(name, engine.parse(param.getPath())));
        }
      }
      return result;
    });
  }

  private static void add(List<Token> tokens, String param, Base value) {
    if (value instanceof Identifier identifier) {
      if (identifier.hasValue()) {
        tokens.add(new Token(param, identifier.getSystem(), identifier.getValue()));
      }
    } else if (value instanceof Coding coding) {
      if (coding.hasCode()) {
        tokens.add(new Token(param, coding.getSystem(), coding.getCode()));
      }
    } else if (value instanceof CodeableConcept concept) {
      concept.getCoding().forEach(coding -> add(tokens, param, coding));
    } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      tokens.add(new Token(param, null, primitive.getValueAsString()));
    }
  }
}
