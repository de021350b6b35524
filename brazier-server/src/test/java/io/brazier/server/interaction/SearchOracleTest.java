package io.brazier.server.interaction;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.api.RestSearchParameterTypeEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.SyntheaSample;
import io.brazier.server.TestServer;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.fhir.ucum.Decimal;
import org.fhir.ucum.Pair;
import org.fhir.ucum.UcumEssenceService;
import org.fhir.ucum.UcumException;
import org.fhir.ucum.UcumService;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UriType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;
import org.junit.jupiter.api.Test;

/**
 * The oracle: on the Synthea sample, searches generated from the values the resources hold return exactly what a
 * brute-force evaluation finds, using HAPI's FHIRPathEngine on each parameter's expression (from HAPI's own model,
 * not the server's registry) and matching rules written here independently of the server's.
 */
class SearchOracleTest {
  private final IGenericClient client = TestServer.shared().client();
  private final FhirContext context = TestServer.shared().fhir().context();
  private final FHIRPathEngine engine = engine();
  private final UcumService ucum = ucum();

  /** One generated search: the query and the ids it must find. */
  private record Case(String query, Set<String> expected) {}

  @Test
  void everyGeneratedSearchFindsWhatBruteForceFinds() {
    List<Resource> sample = SyntheaSample.resources();
    Map<String, List<Resource>> byType = sample.stream().collect(Collectors.groupingBy(Resource::fhirType,
        LinkedHashMap::new, Collectors.toList()));
    List<Case> cases = new ArrayList<>();
    byType.forEach((type, resources) -> {
      for (RuntimeSearchParam param : context.getResourceDefinition(type).getSearchParams()) {
        if (param.getPath() != null && !param.getPath().isBlank() && usable(param.getName())) {
          cases.addAll(cases(type, param, resources));
        }
      }
    });
    List<String> mismatches = new ArrayList<>();
    for (Case c : cases) {
      Set<String> found = search(c.query());
      if (!found.equals(c.expected())) {
        mismatches.add(c.query() + " expected " + c.expected().size() + " found " + found.size());
      }
    }

    assertThat(cases).hasSizeGreaterThan(300);
    assertThat(mismatches).isEmpty();
  }

  private static boolean usable(String name) {
    return !name.startsWith("_") || Set.of("_tag", "_profile", "_security", "_source").contains(name);
  }

  private Set<String> search(String query) {
    Bundle bundle = client.search().byUrl(query + "&" + SyntheaSample.scope() + "&_count=1000&_elements=id")
        .returnBundle(Bundle.class).execute();
    return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private List<Case> cases(String type, RuntimeSearchParam param, List<Resource> resources) {
    Map<Resource, List<Base>> values = new LinkedHashMap<>();
    for (Resource resource : resources) {
      // Union terms one by one: FHIRPath's union would compare quantities, which needs a UCUM service.
      List<Base> found = new ArrayList<>();
      for (String term : param.getPath().split(" \\| ")) {
        found.addAll(engine.evaluate(resource, term));
      }
      values.put(resource, found);
    }
    String name = param.getName();
    List<Case> cases = new ArrayList<>();
    RestSearchParameterTypeEnum kind = param.getParamType();
    Predicate<Base> searchable = searchable(kind);
    if (searchable != null) {
      cases.add(new Case(type + "?" + name + ":missing=true", expected(values,
          list -> list.stream().noneMatch(searchable))));
    }
    for (Base value : picks(values)) {
      switch (kind) {
        case TOKEN -> tokens(value).stream().limit(1).forEach(token -> {
          cases.add(token(type, name, values, token[0], token[1]));
          cases.add(token(type, name, values, null, token[1]));
        });
        case STRING -> strings(value).stream().limit(1).forEach(text -> {
          String prefix = text.substring(0, Math.min(3, text.length()));
          cases.add(new Case(type + "?" + name + "=" + encode(prefix), expected(values,
              list -> list.stream().anyMatch(v -> strings(v).stream().anyMatch(s -> fold(s).startsWith(fold(prefix)))))));
        });
        case DATE -> {
          long[] range = range(value);
          if (range != null) {
            LocalDate day = java.time.Instant.ofEpochMilli(range[0]).atZone(ZoneOffset.UTC).toLocalDate();
            long year0 = LocalDate.of(day.getYear(), 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            long year1 = LocalDate.of(day.getYear() + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli() - 1;
            long day0 = day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            long day1 = day0 + 86_400_000L - 1;
            cases.add(date(type, name, values, "eq" + day.getYear(), r -> r[0] >= year0 && r[1] <= year1));
            cases.add(date(type, name, values, "ge" + day, r -> r[1] > day1 || r[0] >= day0 && r[1] <= day1));
            cases.add(date(type, name, values, "lt" + day, r -> r[0] < day0));
          }
        }
        case REFERENCE -> {
          if (value instanceof Reference reference && reference.getReferenceElement().hasResourceType()) {
            String target = reference.getReferenceElement().toUnqualifiedVersionless().getValue();
            cases.add(new Case(type + "?" + name + "=" + encode(target), expected(values, list -> list.stream()
                .anyMatch(v -> v instanceof Reference r && target.equals(
                    r.getReferenceElement().toUnqualifiedVersionless().getValue())))));
          }
        }
        case QUANTITY -> {
          if (value instanceof Quantity quantity && quantity.hasValue() && quantity.hasCode()) {
            String q = quantity.getValue().toPlainString() + "|" + quantity.getSystem() + "|" + quantity.getCode();
            Pair threshold = canonical(quantity);
            cases.add(new Case(type + "?" + name + "=gt" + encode(q), expected(values, list -> list.stream()
                .anyMatch(x -> x instanceof Quantity o && o.hasValue() && greater(canonical(o), threshold)))));
          }
        }
        case URI -> {
          if (value instanceof UriType uri && uri.hasValue()) {
            cases.add(new Case(type + "?" + name + "=" + encode(uri.getValue()), expected(values, list -> list.stream()
                .anyMatch(x -> x instanceof UriType u && uri.getValue().equals(u.getValue())))));
          }
        }
        default -> { }
      }
    }
    return cases;
  }

  /** What makes a value searchable, per type; null for the types whose :missing this test leaves alone. */
  private static Predicate<Base> searchable(RestSearchParameterTypeEnum kind) {
    return switch (kind) {
      case TOKEN -> v -> !tokens(v).isEmpty();
      case STRING -> v -> !strings(v).isEmpty();
      case DATE -> v -> range(v) != null;
      case URI -> v -> v instanceof UriType uri && uri.hasValue();
      case REFERENCE -> v -> v instanceof Reference r ? r.hasReference() && !r.getReference().startsWith("#")
          || r.getIdentifier().hasValue() : v instanceof UriType uri && uri.hasValue();
      default -> null;
    };
  }

  /** A quantity in UCUM canonical form when its unit is UCUM, else as written. */
  private Pair canonical(Quantity quantity) {
    try {
      Pair written = new Pair(new Decimal(quantity.getValue().toPlainString()),
          quantity.getSystem() + "|" + quantity.getCode());
      if (!"http://unitsofmeasure.org".equals(quantity.getSystem())) {
        return written;
      }
      try {
        return ucum.getCanonicalForm(new Pair(written.getValue(), quantity.getCode()));
      } catch (UcumException e) {
        return written;
      }
    } catch (UcumException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean greater(Pair value, Pair threshold) {
    return value.getCode().equals(threshold.getCode())
        && new BigDecimal(value.getValue().asDecimal()).compareTo(new BigDecimal(threshold.getValue().asDecimal())) > 0;
  }

  /** Up to three values of the parameter: from the first, the middle and the last resource holding one. */
  private static List<Base> picks(Map<Resource, List<Base>> values) {
    List<Base> all = values.values().stream().flatMap(List::stream).toList();
    if (all.isEmpty()) {
      return List.of();
    }
    return List.of(all.get(0), all.get(all.size() / 2), all.get(all.size() - 1));
  }

  private static Set<String> expected(Map<Resource, List<Base>> values, Predicate<List<Base>> matches) {
    Set<String> ids = new TreeSet<>();
    values.forEach((resource, list) -> {
      if (matches.test(list)) {
        ids.add(resource.getIdElement().getIdPart());
      }
    });
    return ids;
  }

  private Case token(String type, String name, Map<Resource, List<Base>> values, String system, String code) {
    String query = system == null ? code : system + "|" + code;
    return new Case(type + "?" + name + "=" + encode(query), expected(values, list -> list.stream()
        .anyMatch(v -> tokens(v).stream().anyMatch(t -> code.equals(t[1]) && (system == null || system.equals(t[0]))))));
  }

  private Case date(String type, String name, Map<Resource, List<Base>> values, String query,
      Predicate<long[]> matches) {
    return new Case(type + "?" + name + "=" + query, expected(values, list -> list.stream()
        .map(SearchOracleTest::range).anyMatch(r -> r != null && matches.test(r))));
  }

  /** (system, code) pairs a token parameter holds, per the search spec's table of token types. */
  private static List<String[]> tokens(Base value) {
    List<String[]> tokens = new ArrayList<>();
    if (value instanceof Coding coding && coding.hasCode()) {
      tokens.add(new String[] {coding.getSystem(), coding.getCode()});
    } else if (value instanceof CodeableConcept concept) {
      concept.getCoding().forEach(coding -> tokens.addAll(tokens(coding)));
    } else if (value instanceof Identifier identifier && identifier.hasValue()) {
      tokens.add(new String[] {identifier.getSystem(), identifier.getValue()});
    } else if (value instanceof ContactPoint contact && contact.hasValue()) {
      tokens.add(new String[] {contact.hasSystem() ? contact.getSystem().toCode() : null, contact.getValue()});
    } else if (value instanceof Enumeration<?> enumeration && enumeration.hasValue()) {
      tokens.add(new String[] {enumeration.getSystem(), enumeration.getValueAsString()});
    } else if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
      tokens.add(new String[] {null, primitive.getValueAsString()});
    }
    return tokens;
  }

  private static List<String> strings(Base value) {
    List<String> strings = new ArrayList<>();
    if (value instanceof HumanName name) {
      if (name.hasFamily()) {
        strings.add(name.getFamily());
      }
      name.getGiven().forEach(given -> strings.add(given.getValue()));
      name.getPrefix().forEach(prefix -> strings.add(prefix.getValue()));
      name.getSuffix().forEach(suffix -> strings.add(suffix.getValue()));
      if (name.hasText()) {
        strings.add(name.getText());
      }
    } else if (value instanceof Address address) {
      address.getLine().forEach(line -> strings.add(line.getValue()));
      for (String part : new String[] {address.getCity(), address.getDistrict(), address.getState(),
          address.getPostalCode(), address.getCountry(), address.getText()}) {
        if (part != null) {
          strings.add(part);
        }
      }
    } else if (value instanceof PrimitiveType<?> primitive && !(value instanceof BooleanType) && primitive.hasValue()) {
      strings.add(primitive.getValueAsString());
    }
    strings.removeIf(s -> s == null || s.isBlank());
    return strings;
  }

  private static String fold(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", " ").trim();
  }

  /** The span a date value stands for, in epoch milliseconds, from HAPI's own reading of its precision. */
  private static long[] range(Base value) {
    if (value instanceof BaseDateTimeType date && date.hasValue()) {
      long start = switch (date.getPrecision()) {
        case YEAR, MONTH, DAY -> LocalDate.of(date.getYear(), date.getMonth() + 1, date.getDay()).atStartOfDay()
            .toInstant(ZoneOffset.UTC).toEpochMilli();
        default -> date.getValue().getTime();
      };
      long end = switch (date.getPrecision()) {
        case YEAR -> LocalDate.of(date.getYear() + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        case MONTH -> LocalDate.of(date.getYear(), date.getMonth() + 1, 1).plusMonths(1).atStartOfDay()
            .toInstant(ZoneOffset.UTC).toEpochMilli();
        case DAY -> start + 86_400_000L;
        case MINUTE -> start + 60_000L;
        case SECOND -> start + 1000L;
        default -> start + 1L;
      };
      return new long[] {start, end - 1};
    }
    if (value instanceof Period period && (period.hasStart() || period.hasEnd())) {
      long[] start = period.hasStart() ? range(period.getStartElement()) : null;
      long[] end = period.hasEnd() ? range(period.getEndElement()) : null;
      return new long[] {start == null ? Long.MIN_VALUE : start[0], end == null ? Long.MAX_VALUE : end[1]};
    }
    return null;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static UcumService ucum() {
    try {
      return new UcumEssenceService(UcumService.class.getResourceAsStream("/ucum-essence.xml"));
    } catch (UcumException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HAPI's engine with a resolve() that knows the type from the reference alone. */
  private FHIRPathEngine engine() {
    HapiWorkerContext worker = new HapiWorkerContext(context, new DefaultProfileValidationSupport(context));
    FHIRPathEngine fhirPath = new FHIRPathEngine(worker);
    fhirPath.setHostServices(new IHostApplicationServices() {
      @Override
      public Base resolveReference(FHIRPathEngine e, Object c, String url, Base refContext) {
        String[] parts = url.split("/");
        return parts.length >= 2 && context.getResourceTypes().contains(parts[parts.length - 2])
            ? (Base) context.getResourceDefinition(parts[parts.length - 2]).newInstance() : null;
      }

      @Override
      public List<Base> resolveConstant(FHIRPathEngine e, Object c, String n, FHIRPathConstantEvaluationMode m) {
        return List.of();
      }

      @Override
      public TypeDetails resolveConstantType(FHIRPathEngine e, Object c, String n, FHIRPathConstantEvaluationMode m) {
        return null;
      }

      @Override
      public boolean log(String argument, List<Base> focus) {
        return false;
      }

      @Override
      public FunctionDetails resolveFunction(FHIRPathEngine e, String name) {
        return null;
      }

      @Override
      public TypeDetails checkFunction(FHIRPathEngine e, Object c, String n, TypeDetails f, List<TypeDetails> p) {
        return null;
      }

      @Override
      public List<Base> executeFunction(FHIRPathEngine e, Object c, List<Base> f, String n, List<List<Base>> p) {
        return List.of();
      }

      @Override
      public boolean conformsToProfile(FHIRPathEngine e, Object c, Base item, String url) {
        return false;
      }

      @Override
      public ValueSet resolveValueSet(FHIRPathEngine e, Object c, String url) {
        return null;
      }

      @Override
      public boolean paramIsType(String name, int index) {
        return false;
      }
    });
    return fhirPath;
  }
}
