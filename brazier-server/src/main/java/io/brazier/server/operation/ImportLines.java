package io.brazier.server.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brazier.client.HttpUrls;
import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.fhir.Numbers;
import io.brazier.server.http.Body;
import io.brazier.server.interaction.Bodies;
import io.brazier.server.interaction.Links;
import io.brazier.server.interaction.References;
import io.brazier.server.interaction.Writes;
import io.brazier.store.ImportBatch.Deferred;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Reads one line of an import into what is staged, by the rules of a write: the base R4 rules, references rewritten
 * and resolved as a bundle's are ({@link Links}, in a context shared by the whole import), id and meta set as a
 * write sets them ({@link Writes}), the search index extracted. A line keeps its id (one without fails, as
 * Microsoft's import fails it: an id made for it would differ from one import to the next, and importing the input
 * twice would make its resource twice), and its {@code meta.versionId} and
 * {@code meta.lastUpdated}, which are staged beside its JSON for the merge to place. A line whose conditional
 * reference names a type whose inputs are still unread waits ({@link Deferred}); a line that breaks a rule fails,
 * with an OperationOutcome naming its input and line.
 */
final class ImportLines {
  /**
   * FHIR's instant (https://hl7.org/fhir/R4/datatypes.html#instant): to the second, with its time zone. HAPI also
   * takes a time without its zone (in the server's own), which the line would keep as written: no instant.
   */
  private static final Pattern INSTANT = Pattern.compile("([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
      + "-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?"
      + "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))");

  /**
   * A versionId the store keeps as written: digits from 1 and nothing else ({@code Integer.parseInt} also takes
   * {@code +5} and {@code 007}, which would be stored as another versionId, {@code 5} and {@code 7}).
   */
  private static final Pattern VERSION_ID = Pattern.compile("[1-9][0-9]*");

  private final Fhir fhir;
  private final Bodies bodies;
  private final Writes writes;
  private final References references;
  private final ImportRequest request;
  private final Links.Context context;

  ImportLines(Fhir fhir, Bodies bodies, Writes writes, References references, ImportRequest request,
      Links.Context context) {
    this.fhir = fhir;
    this.bodies = bodies;
    this.writes = writes;
    this.references = references;
    this.request = request;
    this.context = context;
  }

  /** What became of a line: exactly one of the three is set. */
  record Read(ImportLine line, Deferred deferred, Failure failure) {}

  /**
   * Reads line {@code seq} of an input of {@code type} at {@code url}; it waits when it has a conditional reference
   * to one of the {@code unread} types.
   */
  Read read(long seq, String type, String url, byte[] bytes, Set<String> unread) {
    try {
      Numbers.check(bytes, Format.JSON, "line");
      if (!(Body.read(bytes, "line") instanceof ObjectNode tree) || !tree.path("resourceType").isTextual()) {
        throw FhirException.invalid("The line is not a FHIR resource: a JSON object with a resourceType.");
      }
      String lineType = tree.get("resourceType").asText();
      if (!lineType.equals(type)) {
        throw wrongType(lineType, type);
      }
      String id = id(tree);
      Body body = bodies.tree(tree, "line");
      List<String> identifiers = body.identifiers();
      if (!unread.isEmpty() && Links.conditionalTypes(tree).stream().anyMatch(unread::contains)) {
        return new Read(null, new Deferred(seq, type, id, identifiers, bytes), null);
      }
      return new Read(line(seq, id, tree, body, identifiers), null, null);
    } catch (FhirException e) {
      return new Read(null, null, failure(seq, url, e));
    }
  }

  private ImportLine line(long seq, String id, ObjectNode tree, Body body, List<String> identifiers) {
    JsonNode meta = tree.path("meta");
    Integer version = version(meta.path("versionId"));
    JsonNode updated = meta.path("lastUpdated");
    Instant lastUpdated = lastUpdated(updated);
    Links links = references.open(request.baseUrl(), null, context).at(0, null);
    links.resolve(body);
    List<String> unresolved = links.unresolved();
    if (!unresolved.isEmpty()) {
      throw new FhirException(400, IssueType.NOTFOUND, "The reference " + unresolved.get(0)
          + " names no resource on this server nor in this import.");
    }
    Writes.Unversioned staged = writes.unversioned(body, id, request.source());
    Collection<String> local = references.enforced() ? links.localReferences() : List.of();
    return new ImportLine(seq, staged.type(), id, version, lastUpdated, lastUpdated == null ? null : updated.asText(),
        staged.json(), staged.stampAt(), staged.index(), identifiers, local);
  }

  /**
   * The line's id, which it must have, as an update must (https://hl7.org/fhir/R4/http.html#update): the import is
   * an update of each line's resource, and importing a line again must find what it made.
   */
  private static String id(ObjectNode tree) {
    JsonNode id = tree.path("id");
    if (id.isMissingNode() || id.isNull()) {
      throw FhirException.badRequest("The line has no id: an imported resource keeps its id, so that importing a"
          + " line again finds the resource it made (an id made for it would make another).");
    }
    if (!id.isTextual() || !Fhir.isValidId(id.asText())) {
      throw FhirException.badRequest("'" + id.asText() + "' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
    }
    return id.asText();
  }

  private static Integer version(JsonNode versionId) {
    if (versionId.isMissingNode() || versionId.isNull()) {
      return null;
    }
    requireString("versionId", versionId);
    try {
      if (!VERSION_ID.matcher(versionId.asText()).matches()) {
        throw new NumberFormatException();
      }
      return Integer.parseInt(versionId.asText());
    } catch (NumberFormatException e) {
      throw FhirException.badRequest("meta.versionId of an imported resource is a whole number from 1, not '"
          + versionId.asText() + "'.");
    }
  }

  private static Instant lastUpdated(JsonNode lastUpdated) {
    if (lastUpdated.isMissingNode() || lastUpdated.isNull()) {
      return null;
    }
    requireString("lastUpdated", lastUpdated);
    Instant at;
    try {
      InstantType instant = new InstantType(lastUpdated.asText());
      if (instant.getValue() == null || !INSTANT.matcher(lastUpdated.asText()).matches()) {
        throw new IllegalArgumentException();
      }
      at = instant.getValue().toInstant();
    } catch (RuntimeException e) {
      throw FhirException.badRequest("meta.lastUpdated of an imported resource is a FHIR instant, not '"
          + lastUpdated.asText() + "'.");
    }
    // A version dated to come would date every later write of the resource after it (lastUpdated never goes back).
    if (at.isAfter(Instant.now())) {
      throw FhirException.badRequest("meta.lastUpdated of an imported resource is no later than now, not '"
          + lastUpdated.asText() + "'.");
    }
    return at;
  }

  /** A line of another type than its input's (the input's type is a resource type: its request was checked). */
  private FhirException wrongType(String lineType, String type) {
    if (!fhir.isResourceType(lineType)) {
      return FhirException.invalid("The line has resourceType '" + lineType + "', which is no resource type.");
    }
    String article = "AEIOU".indexOf(lineType.charAt(0)) >= 0 ? "an " : "a ";
    return FhirException.badRequest("The line is " + article + lineType + ", but its input holds " + type + ".");
  }

  /** A meta element that JSON gives as a number (say): FHIR writes it as a string, which the message says. */
  private static void requireString(String element, JsonNode value) {
    if (!value.isTextual()) {
      throw FhirException.badRequest("meta." + element + " of an imported resource is a string, not the "
          + value.getNodeType().name().toLowerCase(Locale.ROOT) + " " + value + ".");
    }
  }

  /** A line that is not imported, its OperationOutcome naming the input and the line. */
  Failure failure(long seq, String url, FhirException e) {
    OperationOutcome outcome = e.outcome().copy();
    String where = "Line " + ImportLine.line(seq) + " of " + HttpUrls.redacted(url);
    outcome.getIssue().forEach(issue -> issue.setDiagnostics(where + ": " + issue.getDiagnostics()));
    return new Failure(seq, fhir.encode(Format.JSON, outcome, false));
  }
}
