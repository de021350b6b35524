package io.brazier.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.JsonParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one R4 {@link FhirContext} of a process and the parsers built on it. The context is expensive to build and
 * thread-safe; parsers are cheap and not thread-safe, so each call makes its own.
 */
public final class Fhir {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  private final FhirContext context;
  private final boolean lenient;
  private final Set<String> resourceTypes;

  /**
   * @param lenient when true, unknown elements and invalid values are dropped while parsing instead of rejected
   */
  public Fhir(boolean lenient) {
    this.context = FhirContext.forR4Cached();
    this.lenient = lenient;
    this.resourceTypes = new TreeSet<>(context.getResourceTypes());
  }

  public FhirContext context() {
    return context;
  }

  /** Every R4 resource type, as HAPI's model knows them, sorted. */
  public Set<String> resourceTypes() {
    return resourceTypes;
  }

  /** Whether unknown elements and invalid values are dropped while parsing, rather than rejected. */
  public boolean lenient() {
    return lenient;
  }

  public boolean isResourceType(String name) {
    return resourceTypes.contains(name);
  }

  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public RuntimeResourceDefinition definition(String type) {
    return context.getResourceDefinition(type);
  }

  public IParser jsonParser() {
    return context.newJsonParser();
  }

  public IParser xmlParser() {
    return context.newXmlParser();
  }

  /** Parses a resource with the base R4 rules: unknown elements and invalid values are 400s unless lenient. */
  public Resource parse(Format format, InputStream body) {
    return parse(format, body, rules());
  }

  /**
   * Parses a resource, telling {@code handler} of unknown elements and invalid values; only a body that is not a
   * resource at all is a 400 here.
   */
  public Resource parse(Format format, InputStream body, IParserErrorHandler handler) {
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setParserErrorHandler(handler);
    // A bundle's resources keep the ids they carry: HAPI would replace them with the entries' fullUrls.
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
      return parsed(() -> parser.parseResource(reader));
    } catch (java.io.IOException e) {
      throw FhirException.badRequest("The body could not be read: " + e.getMessage());
    }
  }

  /**
   * Parses a resource from a JSON tree with the same rules, so that the resources of a large bundle, read as one tree,
   * can be parsed one by one (and in parallel): each error then belongs to one entry.
   */
  public Resource parse(ObjectNode json) {
    JacksonStructure structure = new JacksonStructure();
    structure.setNativeObject(json);
    JsonParser parser = (JsonParser) jsonParser();
    parser.setParserErrorHandler(rules());
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    return parsed(() -> parser.parseResource(structure));
  }

  /** The base R4 rules: unknown elements and invalid values are errors, unless lenient. */
  private IParserErrorHandler rules() {
    return lenient ? new LenientErrorHandler(false) : new StrictErrorHandler();
  }

  private static Resource parsed(Supplier<IBaseResource> parse) {
    try {
      return (Resource) parse.get();
    } catch (DataFormatException | ClassCastException e) {
      throw FhirException.invalid("The body is not a valid FHIR resource: " + clean(e.getMessage()));
    }
  }

  public byte[] encode(Format format, Resource resource, boolean pretty) {
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setPrettyPrint(pretty);
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }

  /** HAPI prefixes its messages with an internal code such as {@code HAPI-1821: }; clients need only the sentence. */
  public static String clean(String message) {
    return message == null ? "" : message.replaceAll("HAPI-\\d+: ", "");
  }
}
