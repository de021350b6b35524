package io.brazier.sync.dataverse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.sync.map.Table;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.net.URI;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.DeletedEntity;
import org.apache.olingo.commons.api.data.Delta;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.data.Link;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.commons.api.http.HttpHeader;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataApplicationException;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ODataRequest;
import org.apache.olingo.server.api.ODataResponse;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.batch.BatchFacade;
import org.apache.olingo.server.api.deserializer.batch.BatchOptions;
import org.apache.olingo.server.api.deserializer.batch.BatchRequestPart;
import org.apache.olingo.server.api.deserializer.batch.ODataResponsePart;
import org.apache.olingo.server.api.processor.BatchProcessor;
import org.apache.olingo.server.api.processor.EntityCollectionProcessor;
import org.apache.olingo.server.api.processor.EntityProcessor;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.EntitySerializerOptions;
import org.apache.olingo.server.api.uri.UriInfo;
import org.apache.olingo.server.api.uri.UriResourceEntitySet;
import org.apache.olingo.server.api.uri.UriResourcePrimitiveProperty;
import org.apache.olingo.server.api.uri.queryoption.expression.Binary;
import org.apache.olingo.server.api.uri.queryoption.expression.BinaryOperatorKind;
import org.apache.olingo.server.api.uri.queryoption.expression.Expression;
import org.apache.olingo.server.api.uri.queryoption.expression.Literal;
import org.apache.olingo.server.api.uri.queryoption.expression.Member;

/**
 * Reads, upserts ({@code PATCH} creates a row that is not there, unless {@code If-Match: *}), deletes, and
 * {@code $batch} with change sets, all or nothing, as Dataverse does them. What Dataverse adds to OData and Olingo
 * does not know is done here: an alternate key in a change set's URL ({@code contacts(msemr_azurefhirid='12')}) is
 * resolved to the row's key before Olingo parses it, as is one in a binding, and a binding to a row that does not
 * exist is refused (404).
 * Filters: {@code eq}, {@code and} and {@code or} of properties and literals. Change tracking as OData's delta:
 * {@code Prefer: odata.track-changes}, then {@code $deltatoken} links giving the rows changed and deleted since.
 */
final class CrmProcessor implements EntityProcessor, EntityCollectionProcessor, BatchProcessor {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Pattern ALTERNATE_KEY = Pattern.compile("/(\\w+)\\((\\w+)='((?:[^']|'')*)'\\)");
  private static final Pattern MAX_PAGE_SIZE = Pattern.compile("odata\\.maxpagesize=(\\d+)");
  private static final Pattern BINDING = Pattern.compile("/?(\\w+)\\(([0-9a-fA-F-]{36})\\)");

  private final CrmModel model;
  private final CrmRows rows;
  /** The most rows of a page, whatever {@code Prefer: odata.maxpagesize} asks (Dataverse's own limit is 5,000). */
  volatile int pageSize = Integer.MAX_VALUE;
  /** The requests of each change set taken. */
  final List<Integer> changeSets = new CopyOnWriteArrayList<>();
  private OData odata;
  private ServiceMetadata metadata;

  CrmProcessor(CrmModel model, CrmRows rows) {
    this.model = model;
    this.rows = rows;
  }

  @Override
  public void init(OData newOdata, ServiceMetadata newMetadata) {
    this.odata = newOdata;
    this.metadata = newMetadata;
  }

  @Override
  public void readEntityCollection(ODataRequest request, ODataResponse response, UriInfo uriInfo,
      ContentType format) throws ODataApplicationException, ODataLibraryException {
    EdmEntitySet set = entitySet(uriInfo);
    Table table = model.tables().get(set.getName());
    boolean tracking = uriInfo.getDeltaTokenOption() != null || String.valueOf(request.getHeader("Prefer"))
        .contains("odata.track-changes");
    if (tracking) {
      track(request, response, uriInfo, format, set, table);
      return;
    }
    Expression filter = uriInfo.getFilterOption() == null ? null : uriInfo.getFilterOption().getExpression();
    List<Map<String, Object>> matching = new ArrayList<>();
    for (Map<String, Object> row : rows.all(table.name())) {
      if (filter == null || matches(filter, row)) {
        matching.add(row);
      }
    }
    EntityCollection collection = page(request, uriInfo, matching);
    var serialized = odata.createSerializer(format).entityCollection(metadata, set.getEntityType(), collection,
        EntityCollectionSerializerOptions.with().contextURL(ContextURL.with().entitySet(set).build())
            .id(request.getRawBaseUri() + "/" + set.getName()).build());
    answer(response, 200, format, serialized.getContent());
  }

  /**
   * One page of the rows, of at most the page size the client prefers or the service's own, whichever is less, with
   * a next link ({@code $skiptoken} the offset of the next page) while rows are left.
   */
  private EntityCollection page(ODataRequest request, UriInfo uriInfo, List<Map<String, Object>> matching)
      throws ODataApplicationException {
    Matcher preferred = MAX_PAGE_SIZE.matcher(String.valueOf(request.getHeader("Prefer")));
    int size = Math.min(pageSize, preferred.find() ? Integer.parseInt(preferred.group(1)) : Integer.MAX_VALUE);
    int from;
    try {
      from = uriInfo.getSkipTokenOption() == null ? 0 : Integer.parseInt(uriInfo.getSkipTokenOption().getValue());
    } catch (NumberFormatException e) {
      throw new ODataApplicationException("Not a skip token of this service", 400, Locale.ROOT);
    }
    EntityCollection collection = new EntityCollection();
    int to = (int) Math.min(matching.size(), (long) from + size);
    matching.subList(Math.min(from, to), to).forEach(row -> collection.getEntities().add(entity(row)));
    if (to < matching.size()) {
      String query = String.valueOf(request.getRawQueryPath()).replaceAll("(^null$|\\$skiptoken=[^&]*&?)", "")
          .replaceAll("&$", "");
      collection.setNext(URI.create(request.getRawBaseUri() + request.getRawODataPath() + "?" + query
          + (query.isEmpty() ? "" : "&") + "$skiptoken=" + to));
    }
    return collection;
  }

  /**
   * Change tracking: without a delta token (the first read, {@code Prefer: odata.track-changes}) every row; with one,
   * the rows changed since it and the keys of those deleted; either way a delta link with the token of now.
   */
  private void track(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format,
      EdmEntitySet set, Table table) throws ODataApplicationException, ODataLibraryException {
    CrmRows.Delta changes;
    if (uriInfo.getDeltaTokenOption() == null) {
      synchronized (rows) {
        changes = new CrmRows.Delta(rows.all(table.name()), List.of(), rows.token());
      }
    } else {
      try {
        changes = rows.since(table.name(), Long.parseLong(uriInfo.getDeltaTokenOption().getValue()));
      } catch (NumberFormatException e) {
        throw new ODataApplicationException("Not a delta token of this service", 400, Locale.ROOT);
      }
    }
    Delta delta = new Delta();
    changes.rows().forEach(row -> delta.getEntities().add(entity(row)));
    for (UUID key : changes.removed()) {
      DeletedEntity deleted = new DeletedEntity();
      deleted.setId(URI.create(set.getName() + "(" + key + ")"));
      deleted.setReason(DeletedEntity.Reason.deleted);
      delta.getDeletedEntities().add(deleted);
    }
    delta.setDeltaLink(URI.create(request.getRawBaseUri() + "/" + set.getName() + "?$deltatoken="
        + changes.token()));
    var serialized = odata.createEdmDeltaSerializer(format, List.of("4.0")).entityCollection(metadata,
        set.getEntityType(), delta, EntityCollectionSerializerOptions.with().contextURL(ContextURL.with()
            .entitySet(set).build()).build());
    response.setHeader("Preference-Applied", "odata.track-changes");
    answer(response, 200, format, serialized.getContent());
  }

  @Override
  public void readEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType format)
      throws ODataApplicationException, ODataLibraryException {
    EdmEntitySet set = entitySet(uriInfo);
    Map<String, Object> row = rows.get(model.tables().get(set.getName()).name(), key(uriInfo));
    if (row == null) {
      throw missing(set.getName(), key(uriInfo));
    }
    var serialized = odata.createSerializer(format).entity(metadata, set.getEntityType(), entity(row),
        EntitySerializerOptions.with().contextURL(ContextURL.with().entitySet(set).build()).build());
    answer(response, 200, format, serialized.getContent());
  }

  @Override
  public void createEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType requestFormat,
      ContentType responseFormat) throws ODataApplicationException {
    throw new ODataApplicationException("POST is not used by the agent; rows are upserted", 501, Locale.ROOT);
  }

  @Override
  public void updateEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo, ContentType requestFormat,
      ContentType responseFormat) throws ODataApplicationException, ODataLibraryException {
    EdmEntitySet set = entitySet(uriInfo);
    Table table = model.tables().get(set.getName());
    UUID key = key(uriInfo);
    Map<String, Object> existing = rows.get(table.name(), key);
    if (existing == null && "*".equals(request.getHeader(HttpHeader.IF_MATCH))) {
      throw missing(set.getName(), key);
    }
    Entity entity = odata.createDeserializer(requestFormat, metadata).entity(request.getBody(), set.getEntityType())
        .getEntity();
    Map<String, Object> values = existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
    for (Property property : entity.getProperties()) {
      values.put(property.getName(), property.getValue());
    }
    values.put(table.keyColumn(), key);
    for (Link link : entity.getNavigationBindings()) {
      values.put("_" + link.getTitle() + "_value", bound(link.getBindingLink()));
    }
    rows.put(table.name(), key, values);
    response.setStatusCode(204);
  }

  @Override
  public void deleteEntity(ODataRequest request, ODataResponse response, UriInfo uriInfo)
      throws ODataApplicationException {
    EdmEntitySet set = entitySet(uriInfo);
    if (!rows.remove(model.tables().get(set.getName()).name(), key(uriInfo))) {
      throw missing(set.getName(), key(uriInfo));
    }
    response.setStatusCode(204);
  }

  @Override
  public void processBatch(BatchFacade facade, ODataRequest request, ODataResponse response)
      throws ODataApplicationException, ODataLibraryException {
    String boundary = facade.extractBoundaryFromContentType(request.getHeader(HttpHeader.CONTENT_TYPE));
    List<BatchRequestPart> parts = odata.createFixedFormatDeserializer().parseBatchRequest(request.getBody(), boundary,
        BatchOptions.with().rawBaseUri(request.getRawBaseUri())
            .rawServiceResolutionUri(request.getRawServiceResolutionUri()).build());
    List<ODataResponsePart> answers = new ArrayList<>();
    for (BatchRequestPart part : parts) {
      answers.add(facade.handleBatchRequest(part));
    }
    String answerBoundary = "batchresponse_" + UUID.randomUUID();
    response.setHeader(HttpHeader.CONTENT_TYPE, "multipart/mixed;boundary=" + answerBoundary);
    response.setContent(odata.createFixedFormatSerializer().batchResponse(answers, answerBoundary));
    response.setStatusCode(200);
  }

  /** One change set at a time, all or nothing: a failing request puts every row back as it was. */
  @Override
  public ODataResponsePart processChangeSet(BatchFacade facade, List<ODataRequest> requests)
      throws ODataApplicationException, ODataLibraryException {
    synchronized (rows) {
      changeSets.add(requests.size());
      var before = rows.snapshot();
      List<ODataResponse> answers = new ArrayList<>();
      for (ODataRequest request : requests) {
        resolveAlternateKey(request);
        ODataResponse answer = facade.handleODataRequest(request);
        if (answer.getStatusCode() >= 400) {
          rows.restore(before);
          return new ODataResponsePart(answer, false);
        }
        answers.add(answer);
      }
      return new ODataResponsePart(answers, true);
    }
  }

  /** {@code contacts(msemr_azurefhirid='12')} to the key of the row that has it, or of the row the body creates. */
  private void resolveAlternateKey(ODataRequest request) throws ODataApplicationException {
    Matcher path = ALTERNATE_KEY.matcher(request.getRawODataPath());
    Table table = path.matches() ? model.tables().get(path.group(1)) : null;
    if (table == null || path.group(2).equals(table.keyColumn())) {
      return;
    }
    String value = path.group(3).replace("''", "'");
    UUID key = rows.all(table.name()).stream().filter(row -> value.equals(row.get(path.group(2))))
        .map(row -> (UUID) row.get(table.keyColumn())).findFirst().orElse(null);
    try {
      byte[] body = request.getBody() == null ? new byte[0] : request.getBody().readAllBytes();
      request.setBody(new ByteArrayInputStream(body));
      if (key == null && body.length > 0 && JSON.readTree(body).hasNonNull(table.keyColumn())) {
        key = UUID.fromString(JSON.readTree(body).get(table.keyColumn()).asText());
      }
    } catch (IOException e) {
      throw new ODataApplicationException("Unreadable body: " + e.getMessage(), 400, Locale.ROOT);
    }
    String resolved = "/" + path.group(1) + "(" + (key == null ? UUID.randomUUID() : key) + ")";
    request.setRawRequestUri(request.getRawBaseUri() + resolved);
    request.setRawODataPath(resolved);
  }

  private UUID bound(String link) throws ODataApplicationException {
    Matcher alternate = ALTERNATE_KEY.matcher(link.startsWith("/") ? link : "/" + link);
    if (alternate.matches() && model.tables().containsKey(alternate.group(1))) {
      Table table = model.tables().get(alternate.group(1));
      String value = alternate.group(3).replace("''", "'");
      return rows.all(table.name()).stream().filter(row -> value.equals(row.get(alternate.group(2))))
          .map(row -> (UUID) row.get(table.keyColumn())).findFirst()
          .orElseThrow(() -> new ODataApplicationException(alternate.group(1) + " With " + alternate.group(2) + " = "
              + value + " Does Not Exist", 404, Locale.ROOT));
    }
    Matcher binding = BINDING.matcher(link);
    Table table = binding.matches() ? model.tables().get(binding.group(1)) : null;
    if (table == null) {
      throw new ODataApplicationException("Not a binding to a row: " + link, 400, Locale.ROOT);
    }
    UUID key = UUID.fromString(binding.group(2));
    if (rows.get(table.name(), key) == null) {
      throw missing(binding.group(1), key);
    }
    return key;
  }

  private static boolean matches(Expression expression, Map<String, Object> row) throws ODataApplicationException {
    if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.OR) {
      return matches(binary.getLeftOperand(), row) || matches(binary.getRightOperand(), row);
    }
    if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.AND) {
      return matches(binary.getLeftOperand(), row) && matches(binary.getRightOperand(), row);
    }
    if (expression instanceof Binary binary && binary.getOperator() == BinaryOperatorKind.EQ
        && binary.getLeftOperand() instanceof Member member && binary.getRightOperand() instanceof Literal literal) {
      String property = ((UriResourcePrimitiveProperty) member.getResourcePath().getUriResourceParts().get(0))
          .getProperty().getName();
      Object value = row.get(property);
      String text = literal.getText().startsWith("'") ? literal.getText().substring(1, literal.getText().length() - 1)
          : literal.getText();
      return value != null && value.toString().equalsIgnoreCase(text);
    }
    throw new ODataApplicationException("Only eq, and, or are filtered here", 501, Locale.ROOT);
  }

  private static Entity entity(Map<String, Object> row) {
    Entity entity = new Entity();
    row.forEach((column, value) -> entity.addProperty(new Property(null, column, ValueType.PRIMITIVE, value)));
    return entity;
  }

  private static EdmEntitySet entitySet(UriInfo uriInfo) {
    return ((UriResourceEntitySet) uriInfo.getUriResourceParts().get(0)).getEntitySet();
  }

  private static UUID key(UriInfo uriInfo) {
    return UUID.fromString(((UriResourceEntitySet) uriInfo.getUriResourceParts().get(0)).getKeyPredicates().get(0)
        .getText());
  }

  private static ODataApplicationException missing(String set, UUID key) {
    return new ODataApplicationException(set + " With Id = " + key + " Does Not Exist", 404, Locale.ROOT);
  }

  private static void answer(ODataResponse response, int status, ContentType format, InputStream content) {
    response.setContent(content);
    response.setStatusCode(status);
    response.setHeader(HttpHeader.CONTENT_TYPE, format.toContentTypeString());
  }
}
