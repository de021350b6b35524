package io.brazier.fhir.search;

import io.brazier.fhir.Fhir;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FunctionDetails;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;

/**
 * HAPI's FHIRPath engine as search needs it: engines lent one per use ({@link Engines}) over a shared worker context
 * (building that context takes seconds, so a process builds one), and a {@code resolve()} that answers from the reference alone, so
 * that expressions such as {@code subject.where(resolve() is Patient)} work without reading the target.
 */
public final class FhirPath {
  static final int MAX_CALLS = 128;
  static final int MAX_DEPTH = 32;

  private final Fhir fhir;
  private final Engines engines;
  private final Map<String, Resource> stubs = new ConcurrentHashMap<>();
  private final Types types;

  public FhirPath(Fhir fhir) {
    this.fhir = fhir;
    this.types = new Types(fhir);
    // The context's own validation support, shared with every other FHIRPath user: the R4 definitions load once.
    HapiWorkerContext worker = new HapiWorkerContext(fhir.context(), fhir.context().getValidationSupport());
    Resolver resolver = new Resolver();
    this.engines = new Engines(() -> newEngine(worker, resolver));
  }

  /**
   * One engine at a time: the first makes HAPI parse every R4 StructureDefinition, a load HAPI does not guard, so
   * the first requests of a fresh process would each parse them at once; this way one parses and the others wait.
   */
  private synchronized FHIRPathEngine newEngine(HapiWorkerContext worker, Resolver resolver) {
    FHIRPathEngine engine = new FHIRPathEngine(worker);
    engine.setHostServices(resolver);
    return engine;
  }

  /** A compiled term of an expression's top-level union. */
  public interface Term {
    /** The values on {@code focus}, with {@code %resource} bound to {@code root}. */
    List<Base> evaluate(Resource root, Base focus);
  }

  /**
   * Compiles each term of an expression's top-level union apart: evaluating them one by one and keeping duplicates
   * costs less than FHIRPath's union, which compares every pair (and needs a UCUM service to compare quantities).
   * The simple paths most parameters use are walked directly; the rest go to HAPI's engine.
   */
  public List<Term> terms(String expression) {
    List<Term> terms = new java.util.ArrayList<>();
    for (String term : Expressions.terms(expression)) {
      if (!term.isBlank()) {
        SimplePath simple = SimplePath.compile(term, types, this::resolvedType);
        if (simple != null) {
          terms.add(simple);
        } else {
          ExpressionNode parsed = parse(term.trim());
          terms.add((root, focus) -> evaluate(root, focus, parsed));
        }
      }
    }
    return terms;
  }

  /** Parses an expression once, for many evaluations. */
  public ExpressionNode parse(String expression) {
    checkNesting(expression);
    try {
      return engines.with(engine -> engine.parse(expression));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + expression + "' is not a valid FHIRPath expression: "
          + e.getMessage(), e);
    }
  }

  /**
   * Refuses an expression that HAPI's parser and evaluator, which recurse into every call, index and parenthesis,
   * would overflow the stack on ({@code .where(true)} a thousand times): more than {@link #MAX_CALLS} of them, or
   * nested deeper than {@link #MAX_DEPTH}. R4's own search parameters have at most 44, nested 2 deep.
   */
  public static void checkNesting(String expression) {
    int calls = 0;
    int depth = 0;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (c == '(' || c == '[') {
        calls++;
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
      }
      if (calls > MAX_CALLS || depth > MAX_DEPTH) {
        throw new IllegalArgumentException("The FHIRPath expression has more than " + MAX_CALLS + " calls, indexes"
            + " and parentheses, or nests them deeper than " + MAX_DEPTH + ".");
      }
    }
  }

  /**
   * The types an expression gives, checked against R4's definitions: on a resource of {@code resourceType}, or, when
   * {@code focus} is not null, on values of those types (an element of one of its arrays) with {@code %resource} that
   * resource. Evaluation cannot tell a misspelt element from an absent one (both give nothing); this can.
   *
   * @throws IllegalArgumentException when the expression names an element its focus does not have, or does not parse
   */
  public TypeDetails types(String resourceType, TypeDetails focus, String expression) {
    ExpressionNode parsed = parse(expression);
    try {
      return engines.with(engine -> focus == null
          ? engine.check(null, resourceType, resourceType, resourceType, parsed)
          : engine.checkOnTypes(null, resourceType, resourceType, focus, parsed, new java.util.ArrayList<>()));
    } catch (FHIRException e) {
      throw new IllegalArgumentException("'" + expression + "' does not fit " + (focus == null ? resourceType
          : focus.describe()) + ": " + e.getMessage().replace("Error evaluating FHIRPath expression: ", ""), e);
    }
  }

  /**
   * Evaluates on {@code focus}, with {@code %resource} bound to {@code root}.
   *
   * @throws IllegalStateException when the expression fails on this resource, whatever HAPI's engine throws: beside
   *     its FHIRExceptions, an expression that asks for the impossible on some input (a substring with a negative
   *     length, on a string long enough) makes it throw what Java's own methods throw there, such as a
   *     StringIndexOutOfBoundsException. Either is the expression's failure, for its author to fix, not the caller's.
   */
  public List<Base> evaluate(Resource root, Base focus, ExpressionNode expression) {
    try {
      return engines.with(engine -> engine.evaluate(root, root, root, focus, expression));
    } catch (RuntimeException e) {
      String why = e instanceof FHIRException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      throw new IllegalStateException("FHIRPath " + expression + " failed on " + root.fhirType() + ": " + why, e);
    }
  }

  /** The type of the resource {@code reference} resolves to, as {@code resolve()} sees it; null when none. */
  private String resolvedType(String reference, Resource root) {
    Base resolved = stub(reference, root);
    return resolved == null ? null : resolved.fhirType();
  }

  /** A resource of the type a reference names, with nothing else in it: enough for {@code resolve() is Patient}. */
  private Base stub(String reference, Object root) {
    if (reference.startsWith("#") && root instanceof org.hl7.fhir.r4.model.DomainResource domain) {
      return domain.getContained().stream()
          .filter(contained -> reference.substring(1).equals(contained.getIdElement().getIdPart()))
          .findFirst().orElse(null);
    }
    String type = typeOf(reference);
    if (type == null || !fhir.isResourceType(type)) {
      return null;
    }
    return stubs.computeIfAbsent(type, name -> (Resource) fhir.definition(name).newInstance());
  }

  /**
   * The type a reference names as {@code resolve()} reads it, or null: the {@code Type} of its last part that is
   * {@code Type/id} or {@code Type/id/_history/version} (the type {@code [A-Z][A-Za-z]+}, the id 1 to 64 of
   * {@code [A-Za-z0-9\-.]}, the version anything but a slash), whatever comes before, up to a slash, with no line
   * terminator (an absolute URL's base). Scanned by hand, as a regular expression did before: it runs on every
   * reference that a parameter such as {@code subject.where(resolve() is Patient)} meets.
   */
  static String typeOf(String reference) {
    int terminator = lineTerminator(reference);
    for (int slash = reference.lastIndexOf('/'); ; slash = reference.lastIndexOf('/', slash - 1)) {
      int start = slash + 1;
      if (start <= terminator) {
        int typeEnd = reference.indexOf('/', start);
        int idEnd = typeEnd < 0 || !References.isType(reference, start, typeEnd) ? -1
            : References.idEnd(reference, typeEnd + 1);
        if (idEnd == reference.length() || idEnd > 0 && reference.startsWith("/_history/", idEnd)
            && reference.length() > idEnd + "/_history/".length()
            && reference.indexOf('/', idEnd + "/_history/".length()) < 0) {
          return reference.substring(start, typeEnd);
        }
      }
      if (slash < 0) {
        return null;
      }
    }
  }

  /** The first line terminator of {@code text} as a regular expression sees them, or its length when none. */
  private static int lineTerminator(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return i;
      }
    }
    return text.length();
  }

  /** Host services: only {@code resolve()} does anything. */
  private final class Resolver implements IHostApplicationServices {
    @Override
    public List<Base> resolveConstant(FHIRPathEngine engine, Object context, String name,
        FHIRPathConstantEvaluationMode mode) {
      return List.of();
    }

    @Override
    public TypeDetails resolveConstantType(FHIRPathEngine engine, Object context, String name,
        FHIRPathConstantEvaluationMode mode) {
      return null;
    }

    @Override
    public boolean log(String argument, List<Base> focus) {
      return false;
    }

    @Override
    public FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
      return null;
    }

    @Override
    public TypeDetails checkFunction(FHIRPathEngine engine, Object context, String functionName, TypeDetails focus,
        List<TypeDetails> parameters) {
      return null;
    }

    @Override
    public List<Base> executeFunction(FHIRPathEngine engine, Object context, List<Base> focus, String functionName,
        List<List<Base>> parameters) {
      return List.of();
    }

    @Override
    public Base resolveReference(FHIRPathEngine engine, Object context, String url, Base refContext) {
      return stub(url, context);
    }

    @Override
    public boolean conformsToProfile(FHIRPathEngine engine, Object context, Base item, String url) {
      return false;
    }

    @Override
    public ValueSet resolveValueSet(FHIRPathEngine engine, Object context, String url) {
      return null;
    }

    @Override
    public boolean paramIsType(String name, int index) {
      return false;
    }
  }
}
