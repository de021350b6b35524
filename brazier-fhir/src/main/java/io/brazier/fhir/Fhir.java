package io.brazier.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
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
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setParserErrorHandler(lenient ? new LenientErrorHandler(false) : new StrictErrorHandler());
    // A bundle's resources keep the ids they carry: HAPI would replace them with the entries' fullUrls.
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    try (Reader reader = new InputStreamReader(body, StandardCharsets.UTF_8)) {
      return (Resource) parser.parseResource(reader);
    } catch (DataFormatException | ClassCastException e) {
      throw FhirException.invalid("The body is not a valid FHIR resource: " + clean(e.getMessage()));
    } catch (java.io.IOException e) {
      throw FhirException.badRequest("The body could not be read: " + e.getMessage());
    }
  }

  public byte[] encode(Format format, Resource resource, boolean pretty) {
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setPrettyPrint(pretty);
    return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
  }

  /** HAPI prefixes its messages with an internal code such as {@code HAPI-1821: }; clients need only the sentence. */
  static String clean(String message) {
    return message == null ? "" : message.replaceAll("HAPI-\\d+: ", "");
  }
}
