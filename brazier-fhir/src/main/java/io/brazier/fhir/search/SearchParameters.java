package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * Every search parameter the server knows: all of the R4 specification ({@link BuiltInParameters}) and the
 * SearchParameter resources clients have stored. Each definition is split
 * per base type, so that a parameter shared by many types (such as {@code clinical-patient}) evaluates only the part
 * of its expression that can match. The registry is copy-on-write: readers never lock, and {@link #version()}
 * changes whenever it does, so compiled caches know when to rebuild.
 */
public final class SearchParameters {
  /** The common parameters answered from the resource table rather than from index rows. */
  static final Set<String> RESOURCE_COLUMNS = Set.of("_id", "_lastUpdated");
  /**
   * The modifiers of the common parameters that a search answers otherwise than from their type's index rows (see
   * {@link QueryParser}): {@code _id} and {@code _lastUpdated} from the resource table, where every resource has
   * them, {@code _text} and {@code _content} from the words of a resource, which take no modifier.
   */
  static final Map<String, List<String>> OWN_MODIFIERS = Map.of("_id", List.of("missing", "not"),
      "_lastUpdated", List.of("missing"), "_text", List.of(), "_content", List.of());
  /** The R4 parameters no search takes: a named query (_query) means whatever a server defines it to mean. */
  public static final Set<String> NOT_SERVED = Set.of("_query");
  /** The R4 resource types that are not DomainResources, checked against HAPI's model by the tests. */
  static final Set<String> NOT_DOMAIN_RESOURCES = Set.of("Binary", "Bundle", "Parameters");
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_\\-]{0,63}");

  private final Fhir fhir;
  private final FhirPath fhirPath;
  private final Map<String, SearchParam> builtInByUrl;
  private final BuiltInParameters definitions;
  /** The specification's parameters alone, which {@link #replaceStored} starts from. */
  private final State builtIn;
  private volatile State state;
  /** The stored definitions {@link #replaceStored} last found unusable, by url, with why. */
  private volatile Map<String, String> unsupported = Map.of();
  /** The unions of each type's parameters ({@link ParamUnions}), as of a registry version. */
  private final Map<String, Unions> unions = new ConcurrentHashMap<>();

  private record Unions(long version, Map<String, List<String>> byCode) {}

  /**
   * An immutable snapshot: parameters by base (a type, Resource or DomainResource) and code, and by url; the urls of
   * those disabled ({@link #disable}).
   */
  private record State(long version, Map<String, Map<String, SearchParam>> byBase,
      Map<String, List<SearchParam>> byUrl, Set<String> disabled) {}

  public SearchParameters(Fhir fhir, FhirPath fhirPath) {
    this.fhir = fhir;
    this.fhirPath = fhirPath;
    this.definitions = new BuiltInParameters(fhir);
    Map<String, Map<String, SearchParam>> byBase = new HashMap<>();
    Map<String, List<SearchParam>> byUrl = new HashMap<>();
    for (SearchParam param : BuiltInParameters.params()) {
      byBase.computeIfAbsent(param.base(), b -> new TreeMap<>()).put(param.code(), param);
      byUrl.computeIfAbsent(param.url(), u -> new ArrayList<>()).add(param);
    }
    Map<String, SearchParam> firstByUrl = new HashMap<>();
    byUrl.forEach((url, params) -> firstByUrl.put(url, params.get(0)));
    this.builtInByUrl = Map.copyOf(firstByUrl);
    this.builtIn = new State(0, byBase, byUrl, Set.of());
    this.state = this.builtIn;
  }

  /** The modifiers a search takes on a parameter of {@code code} and {@code type}: see {@link SearchParam#modifiers}. */
  static List<String> modifiers(String code, ParamType type) {
    return OWN_MODIFIERS.getOrDefault(code, type.modifiers());
  }

  /** Changes whenever a parameter is registered, removed, disabled or enabled again. */
  public long version() {
    return state.version();
  }

  /**
   * The parameter {@code code} of a resource type that searches use, including the common ones of Resource and
   * DomainResource: a disabled one is not.
   */
  public Optional<SearchParam> get(String type, String code) {
    State current = state;
    for (String base : bases(type)) {
      SearchParam param = current.byBase().getOrDefault(base, Map.of()).get(code);
      if (param != null && !current.disabled().contains(param.url())) {
        return Optional.of(param);
      }
    }
    return Optional.empty();
  }

  /**
   * The codes whose index rows answer {@code rowCode} (a parameter's code as index rows name it, suffix included:
   * {@code code:text}, {@code contained:Type:code}) on resources of {@code type}: itself, or for a union of other
   * parameters ({@link ParamUnions}), which has no rows of its own, the codes of its parts with the same suffix.
   */
  public List<String> rowCodes(String type, String rowCode) {
    if (rowCode.startsWith(SearchIndex.CONTAINED)) {
      int end = rowCode.indexOf(':', SearchIndex.CONTAINED.length());
      if (end < 0) {
        return List.of(rowCode);
      }
      String containedType = rowCode.substring(SearchIndex.CONTAINED.length(), end);
      return rowCodes(containedType, rowCode.substring(end + 1)).stream()
          .map(code -> SearchIndex.containedOf(containedType, code)).toList();
    }
    int colon = rowCode.indexOf(':');
    String code = colon < 0 ? rowCode : rowCode.substring(0, colon);
    List<String> parts = unions(type).get(code);
    if (parts == null) {
      return List.of(rowCode);
    }
    String suffix = colon < 0 ? "" : rowCode.substring(colon);
    return parts.stream().map(part -> part + suffix).toList();
  }

  /** Whether a parameter of a type is indexed under its own code, rather than answered by the rows of others. */
  public boolean hasOwnRows(String type, String code) {
    return !unions(type).containsKey(code);
  }

  private Map<String, List<String>> unions(String type) {
    long version = state.version();
    Unions known = unions.get(type);
    if (known == null || known.version() != version) {
      known = new Unions(version, ParamUnions.of(forType(type), this::compositeTypes));
      unions.put(type, known);
    }
    return known.byCode();
  }

  /**
   * Every parameter of a resource type, by code, disabled ones included, as they are still indexed; a type's own
   * parameter hides a common one of the same code.
   */
  public Collection<SearchParam> forType(String type) {
    State current = state;
    Map<String, SearchParam> params = new TreeMap<>();
    List<String> bases = bases(type);
    for (int i = bases.size() - 1; i >= 0; i--) {
      params.putAll(current.byBase().getOrDefault(bases.get(i), Map.of()));
    }
    return params.values();
  }

  /** The parameters of the common bases that searches use, which apply to every type (system-level search). */
  public Collection<SearchParam> common() {
    State current = state;
    Map<String, SearchParam> params = new TreeMap<>(current.byBase().getOrDefault("Resource", Map.of()));
    params.values().removeIf(param -> current.disabled().contains(param.url()));
    return params.values();
  }

  /** Whether searches use a parameter: it is not disabled. */
  public boolean enabled(SearchParam param) {
    return !state.disabled().contains(param.url());
  }

  /**
   * Makes the parameters of these urls, and no others, unknown to searches, as if they were not defined; they are
   * still indexed, so that one enabled again answers at once, for everything written meanwhile.
   */
  public synchronized void disable(Set<String> urls) {
    State current = state;
    if (!current.disabled().equals(urls)) {
      state = new State(current.version() + 1, current.byBase(), current.byUrl(), Set.copyOf(urls));
    }
  }

  /** The urls of the disabled parameters. */
  public Set<String> disabled() {
    return state.disabled();
  }

  /** The stored SearchParameters with a url that cannot be used for search, by url, with why. */
  public Map<String, String> unsupported() {
    return unsupported;
  }

  /** The definition a composite's component names, typed by the parameter it points to. */
  public Optional<SearchParam> byUrl(String url) {
    return byUrl(state, url);
  }

  private Optional<SearchParam> byUrl(State state, String url) {
    List<SearchParam> params = state.byUrl().get(url);
    return params == null || params.isEmpty() ? Optional.ofNullable(builtInByUrl.get(url)) : Optional.of(params.get(0));
  }

  /**
   * The types of a composite's components when the server indexes and searches it: two components, the first a
   * token or a reference, or a token and two numbers (the only three-part composites of R4, MolecularSequence's
   * coordinates); empty for any other shape or an unknown component.
   */
  public Optional<List<ParamType>> compositeTypes(SearchParam param) {
    List<ParamType> types = new ArrayList<>();
    for (SearchParam.Component component : param.components()) {
      Optional<SearchParam> definition = byUrl(component.definition());
      if (definition.isEmpty()) {
        return Optional.empty();
      }
      types.add(definition.get().type());
    }
    boolean pair = types.size() == 2 && (types.get(0) == ParamType.TOKEN || types.get(0) == ParamType.REFERENCE);
    boolean coordinates = types.equals(List.of(ParamType.TOKEN, ParamType.NUMBER, ParamType.NUMBER));
    return pair || coordinates ? Optional.of(List.copyOf(types)) : Optional.empty();
  }

  private List<String> bases(String type) {
    // Not from HAPI's model of the type: that would read it, which a start or a first search need not wait for.
    boolean domain = fhir.isResourceType(type) && !NOT_DOMAIN_RESOURCES.contains(type);
    return domain ? List.of(type, "DomainResource", "Resource") : List.of(type, "Resource");
  }

  /**
   * Checks that a client's SearchParameter can be used for search, as it must before it is stored; a retired one
   * needs no check, as it only removes.
   *
   * @throws FhirException 422 when the definition cannot be used for search
   */
  public void check(SearchParameter definition) {
    if (definition.getStatus() != PublicationStatus.RETIRED) {
      validated(definition, state);
    }
  }

  /**
   * Makes the stored SearchParameters, and no others, apply besides the specification's: each in turn, so that a
   * later one with the same url or the same code on a base replaces an earlier one, and a retired one removes its
   * url. They apply to writes from now on (existing resources need {@code $reindex}).
   *
   * @return the definitions that cannot be used for search, by url, with why; the others apply
   */
  public synchronized Map<String, String> replaceStored(List<SearchParameter> definitions) {
    State next = builtIn;
    Map<String, String> unusable = new LinkedHashMap<>();
    for (SearchParameter definition : definitions) {
      try {
        next = definition.getStatus() == PublicationStatus.RETIRED ? without(next, definition.getUrl())
            : with(next, definition.getUrl(), validated(definition, next));
      } catch (FhirException e) {
        unusable.put(definition.getUrl(), e.getMessage());
      }
    }
    State current = state;
    if (!next.byUrl().equals(current.byUrl())) {
      state = new State(current.version() + 1, next.byBase(), next.byUrl(), current.disabled());
    }
    Map<String, String> withUrl = new TreeMap<>();
    unusable.forEach((url, reason) -> {
      if (url != null) {
        withUrl.put(url, reason);
      }
    });
    unsupported = Collections.unmodifiableMap(withUrl);
    return unusable;
  }

  private State with(State state, String url, List<SearchParam> params) {
    Map<String, Map<String, SearchParam>> byBase = copy(state.byBase());
    Map<String, List<SearchParam>> byUrl = new HashMap<>(state.byUrl());
    remove(byBase, byUrl, url);
    for (SearchParam param : params) {
      byBase.computeIfAbsent(param.base(), b -> new TreeMap<>()).put(param.code(), param);
    }
    byUrl.put(url, params);
    return new State(state.version(), byBase, byUrl, state.disabled());
  }

  /** The state without a client's SearchParameter; a built-in parameter it replaced comes back. */
  private State without(State state, String url) {
    if (url == null || !state.byUrl().containsKey(url) || builtInByUrl.containsKey(url)
        && state.byUrl().get(url).get(0) == builtInByUrl.get(url)) {
      return state;
    }
    Map<String, Map<String, SearchParam>> byBase = copy(state.byBase());
    Map<String, List<SearchParam>> byUrl = new HashMap<>(state.byUrl());
    remove(byBase, byUrl, url);
    return new State(state.version(), byBase, byUrl, state.disabled());
  }

  private void remove(Map<String, Map<String, SearchParam>> byBase, Map<String, List<SearchParam>> byUrl, String url) {
    List<SearchParam> old = byUrl.remove(url);
    if (old == null) {
      return;
    }
    for (SearchParam param : old) {
      Map<String, SearchParam> codes = byBase.get(param.base());
      if (codes != null && codes.get(param.code()) == param) {
        codes.remove(param.code());
        builtInByUrl.values().stream()
            .filter(builtIn -> builtIn.base().equals(param.base()) && builtIn.code().equals(param.code()))
            .findFirst().ifPresent(builtIn -> codes.put(builtIn.code(), builtIn));
      }
    }
  }

  private static Map<String, Map<String, SearchParam>> copy(Map<String, Map<String, SearchParam>> byBase) {
    Map<String, Map<String, SearchParam>> copy = new HashMap<>();
    byBase.forEach((base, codes) -> copy.put(base, new TreeMap<>(codes)));
    return copy;
  }

  /** The parameters of a definition, if it can be used for search alongside those of {@code state}. */
  private List<SearchParam> validated(SearchParameter definition, State state) {
    if (!definition.hasUrl()) {
      throw FhirException.unprocessable("A SearchParameter needs a url to be used for search.");
    }
    if (!definition.hasCode() || !CODE.matcher(definition.getCode()).matches()) {
      throw FhirException.unprocessable("SearchParameter.code '" + definition.getCode()
          + "' is not a usable search parameter name.");
    }
    if (!definition.hasType()) {
      throw FhirException.unprocessable("SearchParameter." + definition.getCode() + " needs a type.");
    }
    if (definition.getBase().isEmpty()) {
      throw FhirException.unprocessable("SearchParameter." + definition.getCode() + " needs at least one base.");
    }
    for (CodeType base : definition.getBase()) {
      if (!fhir.isResourceType(base.getValue()) && !base.getValue().equals("Resource")
          && !base.getValue().equals("DomainResource")) {
        throw FhirException.unprocessable("SearchParameter base '" + base.getValue() + "' is not a resource type.");
      }
    }
    if (!definition.hasExpression() && definition.getType() != org.hl7.fhir.r4.model.Enumerations.SearchParamType.SPECIAL) {
      throw FhirException.unprocessable("SearchParameter." + definition.getCode() + " needs a FHIRPath expression.");
    }
    List<SearchParam> params = split(definition);
    for (SearchParam param : params) {
      parses(param.expression());
      for (SearchParam.Component component : param.components()) {
        parses(component.expression());
        if (byUrl(state, component.definition()).isEmpty()) {
          throw FhirException.unprocessable("The component " + component.definition() + " of composite "
              + param.code() + " is not a known SearchParameter.");
        }
      }
    }
    return params;
  }

  private void parses(String expression) {
    if (expression == null) {
      return;
    }
    try {
      fhirPath.parse(expression);
    } catch (IllegalArgumentException e) {
      throw FhirException.unprocessable(e.getMessage());
    }
  }

  /** One SearchParam per base, each with the part of the expression that concerns its base. */
  static List<SearchParam> split(SearchParameter definition) {
    List<String> targets = new ArrayList<>();
    definition.getTarget().forEach(target -> targets.add(target.getValue()));
    List<SearchParam.Component> components = new ArrayList<>();
    definition.getComponent().forEach(component ->
        components.add(new SearchParam.Component(component.getDefinition(), component.getExpression())));
    ParamType type = ParamType.of(definition.getType().toCode());
    List<SearchParam> params = new ArrayList<>();
    for (CodeType base : definition.getBase()) {
      String expression = definition.getBase().size() == 1 ? definition.getExpression()
          : Expressions.forBase(definition.getExpression(), base.getValue());
      params.add(new SearchParam(definition.getUrl(), definition.getCode(), base.getValue(), type, expression,
          targets, components));
    }
    return params;
  }

  /**
   * A built-in definition by its id in the specification (such as {@code Observation-category}, whose canonical
   * url is {@code http://hl7.org/fhir/SearchParameter/Observation-category}), naming the modifiers this server
   * supports on it: what the server serves at [base]/SearchParameter/[id] for a CapabilityStatement's definitions.
   * The first call parses the specification's definitions.
   */
  public Optional<SearchParameter> builtIn(String id) {
    return definitions.definition(id);
  }
}
