package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.search.SearchParameters;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.StoredSearchParameters;
import io.brazier.store.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UrlType;

/**
 * {@code SearchParameter/$status}, as Microsoft's FHIR server answers it. A GET lists a Parameters with one
 * {@code searchParameterStatus} (parts {@code url} and {@code status}) per search parameter, narrowed by
 * {@code resourceType}, {@code code} and {@code url} (each a comma list; the names in any case, as Microsoft takes
 * them; all given must hold), a 404 when none is left: {@code Enabled} for those searches use, the specification's
 * and the stored SearchParameters, from the moment a node knows them (a stored one applies to writes once
 * committed, on every node; {@code $reindex} indexes what was written before); {@code Disabled} for those an
 * administrator disabled; {@code Unsupported} for stored SearchParameters the server cannot use (listed only when
 * no {@code resourceType} or {@code code} is given, or by their url, as neither is known of them). A PUT or POST
 * changes statuses ({@link SearchParameterStatusChange}).
 */
public final class SearchParameterStatus implements Interaction {
  public static final Operations.Definition OPERATION = new Operations.Definition("status",
      "https://brazier.dev/fhir/OperationDefinition/search-parameter-status");
  /** The methods it takes: GET lists, PUT (Microsoft's) and POST (FHIR's for an operation) change. */
  public static final Set<String> METHODS = Set.of("GET", "PUT", "POST");
  /** Microsoft's name for a parameter that searches use. */
  static final String ENABLED = "Enabled";
  private static final String UNSUPPORTED = "Unsupported";

  private final Fhir fhir;
  private final SearchParameters parameters;
  private final SearchParameterStatusChange change;

  public SearchParameterStatus(Fhir fhir, Store store, SearchParameters parameters) {
    this.fhir = fhir;
    this.parameters = parameters;
    this.change = new SearchParameterStatusChange(fhir, store, parameters);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return request.method().equals("PUT") || request.method().equals("POST") ? change.handle(request) : list(request);
  }

  private FhirResponse list(FhirRequest request) {
    List<String> types = filter(request, "resourceType");
    List<String> codes = filter(request, "code");
    List<String> urls = filter(request, "url");
    for (String type : types) {
      if (!fhir.isResourceType(type)) {
        throw FhirException.badRequest("resourceType '" + type + "' is not a resource type.");
      }
    }
    Map<String, String> byUrl = new TreeMap<>();
    for (String type : types.isEmpty() ? fhir.resourceTypes() : types) {
      parameters.forType(type).stream().filter(param -> param.url() != null)
          .filter(param -> codes.isEmpty() || codes.contains(param.code()))
          .filter(param -> urls.isEmpty() || urls.contains(param.url()))
          .filter(param -> !SearchParameters.NOT_SERVED.contains(param.code()))
          .forEach(param -> byUrl.putIfAbsent(param.url(),
              parameters.enabled(param) ? ENABLED : StoredSearchParameters.DISABLED));
    }
    if (types.isEmpty() && codes.isEmpty()) {
      parameters.unsupported().keySet().stream().filter(url -> urls.isEmpty() || urls.contains(url))
          .forEach(url -> byUrl.putIfAbsent(url, UNSUPPORTED));
    }
    if (byUrl.isEmpty()) {
      throw new FhirException(404, IssueType.NOTFOUND, "No search parameter matches " + request.query() + ".");
    }
    Parameters statuses = new Parameters();
    byUrl.forEach((url, status) -> statuses.addParameter(entry(url, status)));
    return FhirResponse.ok(statuses);
  }

  /** One {@code searchParameterStatus}: a url and its status. */
  static Parameters.ParametersParameterComponent entry(String url, String status) {
    return new Parameters.ParametersParameterComponent().setName("searchParameterStatus")
        .addPart(new Parameters.ParametersParameterComponent().setName("url").setValue(new UrlType(url)))
        .addPart(new Parameters.ParametersParameterComponent().setName("status").setValue(new StringType(status)));
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
