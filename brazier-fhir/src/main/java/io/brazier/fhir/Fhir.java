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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.OperationOutcome.OperationOutcomeIssueComponent;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one R4 {@link FhirContext} of a process and the parsers built on it. The context is expensive to build and
 * thread-safe; parsers are cheap and not thread-safe, so each call makes its own.
 */
public final class Fhir {
  private final FhirContext context;
  private final boolean lenient;
  private final Set<String> resourceTypes;
  private final Lazy<Set<String>> uriElementNames;
  private final JsonTypes jsonTypes;

  /**
   * @param lenient when true, unknown elements and invalid values are dropped while parsing instead of rejected
   */
  public Fhir(boolean lenient) {
    this.context = FhirContext.forR4Cached();
    this.lenient = lenient;
    this.resourceTypes = new TreeSet<>(context.getResourceTypes());
    this.uriElementNames = Lazy.of(() -> UriElements.of(context));
    this.jsonTypes = new JsonTypes(context);
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

  /**
   * The JSON names under which R4 has an element of a uri type (not id) anywhere, such as {@code url},
   * {@code system} or {@code valueUri}; found in the model once, on first call.
   */
  public Set<String> uriElementNames() {
    return uriElementNames.get();
  }

  /** An R4 id: 1 to 64 of A-Z a-z 0-9 - and . (read by hand: every imported line's id passes here). */
  public static boolean isValidId(String id) {
    if (id == null || id.isEmpty() || id.length() > 64) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
        return false;
      }
    }
    return true;
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

  public boolean lenient() {
    return lenient;
  }

  /** Parses a resource with the base R4 rules: unknown elements and invalid values are 400s unless lenient. */
  public Resource parse(Format format, InputStream body) {
    return parse(format, bytes(body));
  }

  /** Parses a resource with the base R4 rules: unknown elements and invalid values are 400s unless lenient. */
  public Resource parse(Format format, byte[] body) {
    return lenientOnly(parse(format, body, rules()));
  }

  /**
   * Parses a resource from a JSON tree with the same rules, so that the resources of a large bundle, read as one tree,
   * can be parsed one by one (and in parallel): each error then belongs to one entry. The caller checks the numbers
   * of the bytes it read the tree from ({@link Numbers}). Unless lenient, each value must also have its JSON type
   * ({@link JsonTypes}): the tree is what a write stores, and HAPI reads past a string for a boolean.
   */
  public Resource parse(ObjectNode json) {
    return parse(json, "body");
  }

  /** Parses a resource from a JSON tree as {@link #parse(ObjectNode)} does; a 400 names {@code what} (a line). */
  public Resource parse(ObjectNode json, String what) {
    JacksonStructure structure = new JacksonStructure();
    structure.setNativeObject(json);
    JsonParser parser = (JsonParser) jsonParser();
    parser.setParserErrorHandler(rules());
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    Resource resource;
    try {
      resource = (Resource) parser.parseResource(structure);
    } catch (DataFormatException | ClassCastException e) {
      throw FhirException.invalid("The " + what + " is not a valid FHIR resource: " + clean(e.getMessage()));
    }
    if (!lenient) {
      jsonTypes.check(json);
    }
    return lenientOnly(resource);
  }

  /**
   * Each value of a wrong JSON type in a resource the parser has read, as the issue with which a write refuses the
   * first ({@link JsonTypes}): $validate lists them all.
   */
  public List<OperationOutcomeIssueComponent> jsonTypeIssues(JsonNode resource) {
    List<OperationOutcomeIssueComponent> issues = new ArrayList<>();
    jsonTypes.check(resource, wrong -> issues.addAll(wrong.outcome().getIssue()));
    return issues;
  }

  /** The base R4 rules; the lenient handler still throws on invalid values unless told otherwise. */
  private IParserErrorHandler rules() {
    return lenient ? new LenientErrorHandler(false).setErrorOnInvalidValue(false) : new StrictErrorHandler();
  }

  /** In lenient mode, the invalid values dropped (see {@link #dropInvalidValues}). */
  private Resource lenientOnly(Resource resource) {
    if (lenient) {
      dropInvalidValues(resource);
    }
    return resource;
  }

  /**
   * Parses a resource, telling {@code handler} of unknown elements and invalid values; only a body that is not a
   * resource at all, or has numbers too costly to read ({@link Numbers}), is a 400 here.
   */
  public Resource parse(Format format, InputStream body, IParserErrorHandler handler) {
    return parse(format, bytes(body), handler);
  }

  private Resource parse(Format format, byte[] body, IParserErrorHandler handler) {
    Numbers.check(body, format);
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setParserErrorHandler(handler);
    // A bundle's resources keep the ids they carry: HAPI would replace them with the entries' fullUrls.
    parser.setOverrideResourceIdWithBundleEntryFullUrl(false);
    // Some Windows tools start UTF-8 with a byte order mark, which HAPI's JSON parser takes for content.
    int start = body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF ? 3 : 0;
    try {
      return (Resource) parser.parseResource(utf8(body, start));
    } catch (DataFormatException | ClassCastException e) {
      throw FhirException.invalid("The body is not a valid FHIR resource: " + clean(e.getMessage()));
    }
  }

  /** Bytes that are not UTF-8 are refused, not read as U+FFFD: that would store what the client never sent. */
  private static String utf8(byte[] body, int start) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body, start, body.length - start)).toString();
    } catch (CharacterCodingException e) {
      throw FhirException.invalid("The body is not valid UTF-8.");
    }
  }

  private static byte[] bytes(InputStream body) {
    try (body) {
      return body.readAllBytes();
    } catch (IOException e) {
      throw FhirException.badRequest("The body could not be read: " + e.getMessage());
    }
  }

  /**
   * HAPI keeps the text of a value it could not parse (gender "robot", birthDate "1999-13-45") and would write it
   * back out; lenient mode promises to drop it.
   */
  @SuppressWarnings({"rawtypes", "unchecked"}) // the terser takes a class, which cannot name PrimitiveType<?>
  private void dropInvalidValues(Resource resource) {
    for (PrimitiveType value : context.newTerser().getAllPopulatedChildElementsOfType(resource, PrimitiveType.class)) {
      if (value.getValue() == null && value.getValueAsString() != null) {
        value.setValue(null);
      }
    }
  }

  public byte[] encode(Format format, Resource resource, boolean pretty) {
    IParser parser = format == Format.XML ? xmlParser() : jsonParser();
    parser.setPrettyPrint(pretty);
    try {
      return parser.encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
    } catch (Error e) {
      // HAPI turns a writer's IOException into an Error; the one a resource can cause is JSON's nesting limit
      // (1,000), which an XML body may exceed: that is the client's resource, not the server's fault.
      if (e.getCause() instanceof IOException cause) {
        throw FhirException.invalid("The resource cannot be encoded: " + cause.getMessage());
      }
      throw e;
    }
  }

  /** HAPI prefixes its messages with an internal code such as {@code HAPI-1821: }; clients need only the sentence. */
  public static String clean(String message) {
    return message == null ? "" : message.replaceAll("HAPI-\\d+: ", "");
  }
}
