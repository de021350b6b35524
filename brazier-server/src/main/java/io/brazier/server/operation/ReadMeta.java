package io.brazier.server.operation;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.server.interaction.ChangeMeta;
import io.brazier.server.interaction.Interaction;
import io.brazier.server.interaction.Operations;
import io.brazier.server.interaction.Reachable;
import io.brazier.server.interaction.VRead;
import io.brazier.store.IndexedValue;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * FHIR $meta: GET|POST [base]/[type]/[id]/$meta answers the resource's meta, and
 * [base]/[type]/[id]/_history/[vid]/$meta that of the version (found as vread finds it); [base]/[type]/$meta and
 * [base]/$meta the profiles, tags and security labels in use by the live resources of the type, or of the server,
 * each once (as they are indexed: a tag's system and code, without its display). The answer is a Parameters whose
 * {@code return} is that Meta. Type and system level reach everyone's data, so a request kept to some patients' data
 * may not use them. https://hl7.org/fhir/R4/resource-operation-meta.html
 */
public final class ReadMeta implements Interaction {
  public static final Operations.Definition OPERATION =
      new Operations.Definition("meta", "http://hl7.org/fhir/OperationDefinition/Resource-meta");
  /** The most values of each kind an answer lists: more than any meaningful set of tags. */
  static final int MOST_VALUES = 10_000;

  private final Fhir fhir;
  private final Store store;
  private final Reachable reachable;

  public ReadMeta(Fhir fhir, Store store, Reachable reachable) {
    this.fhir = fhir;
    this.store = store;
    this.reachable = reachable;
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    if (request.segments().size() == 3) {
      return FhirResponse.ok(ChangeMeta.answer(stored(request)));
    }
    if (request.segments().size() == 5) {
      return FhirResponse.ok(ChangeMeta.answer(meta(VRead.version(store, reachable, request))));
    }
    if (request.restriction() != null) {
      throw FhirException.forbidden("The caller sees only some patients' data, so it may not list the tags,"
          + " profiles and security labels of all; ask for those of a resource ([type]/[id]/$meta).");
    }
    List<String> types = request.segments().size() == 2 ? List.of(request.type()) : List.of();
    Meta meta = new Meta();
    values(types, "_profile").forEach(profile -> meta.addProfile(profile.value()));
    values(types, "_tag").forEach(tag -> meta.addTag(coding(tag)));
    values(types, "_security").forEach(label -> meta.addSecurity(coding(label)));
    return FhirResponse.ok(ChangeMeta.answer(meta));
  }

  /** The meta of the current version; 404 when it is not known (or outside the restriction), 410 when deleted. */
  private Meta stored(FhirRequest request) {
    return meta(reachable.live(request.restriction(), request.type(), request.id()));
  }

  private Meta meta(ResourceVersion version) {
    return fhir.parse(Format.JSON, version.json()).getMeta();
  }

  private List<IndexedValue> values(List<String> types, String parameter) {
    List<IndexedValue> values = store.indexedValues(types, parameter, MOST_VALUES + 1);
    if (values.size() > MOST_VALUES) {
      throw new FhirException(400, IssueType.TOOCOSTLY, "More than " + MOST_VALUES + " distinct " + parameter
          + " values are in use" + (types.isEmpty() ? "; ask for those of one type ([type]/$meta)." : "."));
    }
    return values;
  }

  private static Coding coding(IndexedValue value) {
    return new Coding().setSystem(value.system()).setCode(value.value());
  }
}
