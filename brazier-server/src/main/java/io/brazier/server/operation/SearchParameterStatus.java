package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchParam;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;

/**
 * {@code GET SearchParameter/$status}, as Microsoft's FHIR server answers it: a Parameters with one
 * {@code searchParameterStatus} (parts {@code url} and {@code status}) per search parameter, narrowed by
 * {@code resourceType}, {@code code} and {@code url} (each a comma list; the names in any case, as Microsoft takes
 * them; all given must hold), a 404 when none is left. The status is {@code Enabled} for each: this server searches
 * with every parameter it knows, the specification's and the stored SearchParameters, from the moment it knows them
 * (a stored one applies to writes once committed, on every node; {@code $reindex} indexes what was written before).
 * There is no status to change: every node reads its parameters from the stored SearchParameters, which hold none,
 * so Microsoft's POST/PUT (disable, enable) is not taken here (405).
 */
public final class SearchParameterStatus implements Interaction {
  public static final Operations.Definition OPERATION = new Operations.Definition("status",
      "https://brazier.dev/fhir/OperationDefinition/search-parameter-status");
  /** Microsoft's name for a parameter that searches use. */
  static final String ENABLED = "Enabled";

  private final Fhir fhir;
  private final SearchParameters parameters;

  public SearchParameterStatus(Fhir fhir, SearchParameters parameters) {
    this.fhir = fhir;
    this.parameters = parameters;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    List<String> types = filter(request, "resourceType");
    List<String> codes = filter(request, "code");
    List<String> urls = filter(request, "url");
    for (String type : types) {
      if (!fhir.isResourceType(type)) {
        throw FhirException.badRequest("resourceType '" + type + "' is not a resource type.");
      }
    }
    Map<String, SearchParam> byUrl = new TreeMap<>();
    for (String type : types.isEmpty() ? fhir.resourceTypes() : types) {
      parameters.forType(type).stream().filter(param -> param.url() != null)
          .filter(param -> codes.isEmpty() || codes.contains(param.code()))
          .filter(param -> urls.isEmpty() || urls.contains(param.url()))
          .filter(param -> !SearchParameters.NOT_SERVED.contains(param.code()))
          .forEach(param -> byUrl.putIfAbsent(param.url(), param));
    }
    if (byUrl.isEmpty()) {
      throw new FhirException(404, IssueType.NOTFOUND, "No search parameter matches " + request.query() + ".");
    }
    Parameters statuses = new Parameters();
    byUrl.keySet().forEach(url -> statuses.addParameter().setName("searchParameterStatus")
        .addPart(new Parameters.ParametersParameterComponent().setName("url").setValue(new UrlType(url)))
        .addPart(new Parameters.ParametersParameterComponent().setName("status").setValue(new StringType(ENABLED))));
    return FhirResponse.ok(statuses);
  }

  /** The values of a filter, however its name is cased, each comma list split. */
  private static List<String> filter(FhirRequest request, String name) {
    List<String> values = new ArrayList<>();
    request.query().forEach((given, list) -> {
      if (given.equalsIgnoreCase(name)) {
        list.forEach(value -> Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty())
            .forEach(values::add));
      }
    });
    return values;
  }
}
