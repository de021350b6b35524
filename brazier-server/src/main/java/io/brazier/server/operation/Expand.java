package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchStrings;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.terminology.StoredTerminology;
import io.brazier.server.terminology.StoredTerminology.Concept;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * ValueSet/$expand over stored ValueSets and CodeSystems: by {@code url}, by instance, or a {@code valueSet} in the
 * body; with {@code filter} (a case- and accent-insensitive match on display or code), {@code offset} and
 * {@code count}. https://hl7.org/fhir/R4/valueset-operation-expand.html
 */
public final class Expand implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("expand", "http://hl7.org/fhir/OperationDefinition/ValueSet-expand");
  private final Fhir fhir;
  private final StoredTerminology terminology;

  public Expand(Fhir fhir, StoredTerminology terminology) {
    this.fhir = fhir;
    this.terminology = terminology;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    OperationInput input = new OperationInput(fhir, request);
    ValueSet valueSet = valueSet(request, input, terminology);
    List<Concept> concepts = new ArrayList<>(terminology.expansion(valueSet, 0));
    String filter = input.value("filter");
    if (filter != null) {
      String folded = SearchStrings.fold(filter);
      concepts.removeIf(c -> !SearchStrings.fold(c.code()).contains(folded)
          && (c.display() == null || !SearchStrings.fold(c.display()).contains(folded)));
    }
    int offset = input.integer("offset", 0);
    int count = input.integer("count", concepts.size());
    ValueSet expanded = valueSet.copy();
    expanded.getExpansion().setIdentifier("urn:uuid:" + UUID.randomUUID()).setTimestamp(new Date())
        .setTotal(concepts.size()).setOffset(offset);
    for (Concept concept : concepts.subList(Math.min(offset, concepts.size()),
        Math.min(concepts.size(), offset + count))) {
      expanded.getExpansion().addContains().setSystem(concept.system()).setCode(concept.code())
          .setDisplay(concept.display());
    }
    return FhirResponse.ok(expanded);
  }

  /** The ValueSet an operation names: the instance of the URL, a {@code valueSet} parameter, or {@code url}. */
  static ValueSet valueSet(FhirRequest request, OperationInput input, StoredTerminology terminology) {
    if (request.segments().size() == 3) {
      return terminology.valueSet("ValueSet/" + request.id());
    }
    if (input.resource("valueSet") instanceof ValueSet given) {
      return given;
    }
    String url = input.value("url");
    if (url == null) {
      throw FhirException.badRequest("Name the ValueSet: call it on an instance, or give url or valueSet.");
    }
    String version = input.value("valueSetVersion");
    return terminology.valueSet(version == null ? url : url + "|" + version);
  }
}
