package io.brazier.server.interaction;

import io.brazier.fhir.Fhir;
import io.brazier.fhir.FhirException;
import io.brazier.fhir.Format;
import io.brazier.server.FhirRequest;
import io.brazier.server.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Write;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * FHIR $meta-add and $meta-delete: POST [base]/[type]/[id]/$meta-add (or $meta-delete) with a Parameters whose
 * {@code meta} holds profiles, tags and security labels to add to the resource's meta, or to remove from it; nothing
 * else of the resource changes. The answer is a Parameters whose {@code return} is the resulting meta. They are sets:
 * a profile matches by its URL, a tag or security label by its system and code (version and display are ignored), so
 * nothing is added twice. https://hl7.org/fhir/R4/resource-operation-meta-add.html
 *
 * <p>R4 says these operations change the meta in place, without a new version. Here a change is a new version, as
 * every other change is: the history, the change feed (and so sync agents and $export with {@code _since}), ETags
 * and If-Match, and what other nodes keep in memory all learn of a change through its new version. Changed in place,
 * a security label would never reach a copy of the resource, and a client holding the ETag of the version would be
 * told nothing had changed. A call that changes nothing (a tag already there, one not there to remove) writes nothing.
 */
public final class ChangeMeta implements WriteInteraction {
  public static final Operations.Definition ADD =
      new Operations.Definition("meta-add", "http://hl7.org/fhir/OperationDefinition/Resource-meta-add");
  public static final Operations.Definition DELETE =
      new Operations.Definition("meta-delete", "http://hl7.org/fhir/OperationDefinition/Resource-meta-delete");

  private final Fhir fhir;
  private final Writes writes;
  private final Commits commits;
  private final boolean add;

  private ChangeMeta(Fhir fhir, Writes writes, Commits commits, boolean add) {
    this.fhir = fhir;
    this.writes = writes;
    this.commits = commits;
    this.add = add;
  }

  public static ChangeMeta adding(Fhir fhir, Writes writes, Commits commits) {
    return new ChangeMeta(fhir, writes, commits, true);
  }

  public static ChangeMeta deleting(Fhir fhir, Writes writes, Commits commits) {
    return new ChangeMeta(fhir, writes, commits, false);
  }

  @Override
  public FhirResponse handle(FhirRequest request) {
    return commits.run(this, request);
  }

  @Override
  public Target target(FhirRequest request) {
    change(request);
    return Target.of(request.type(), request.id(), null);
  }

  /** The current version, which must exist ({@link Commits#existing}), with its meta changed. */
  @Override
  public Prepared prepare(FhirRequest request, Target target, Links links, Currents currents) {
    String id = target.id();
    ResourceVersion current = commits.existing(request, target.type(), id, currents);
    Resource resource = fhir.parse(Format.JSON, current.json());
    if (!(add ? add(resource.getMeta(), change(request)) : remove(resource.getMeta(), change(request)))) {
      return new Prepared(List.of(), FhirResponse.ok(answer(resource.getMeta())));
    }
    Write write = writes.next(resource, id, current, request.caller().source());
    return new Prepared(List.of(write), FhirResponse.ok(answer(resource.getMeta())), List.of(current));
  }

  /** The {@code meta} parameter of the body, which the operation needs. */
  private Meta change(FhirRequest request) {
    if (!request.hasBody()) {
      throw FhirException.badRequest(name() + " needs a Parameters body with a 'meta' parameter.");
    }
    Resource body = fhir.parse(request.bodyFormat(), new ByteArrayInputStream(request.body()));
    if (!(body instanceof Parameters parameters)) {
      throw FhirException.badRequest("The body of " + name() + " must be a Parameters resource, not a "
          + body.fhirType() + ".");
    }
    for (Parameters.ParametersParameterComponent parameter : parameters.getParameter()) {
      if (!"meta".equals(parameter.getName()) || !(parameter.getValue() instanceof Meta)) {
        throw FhirException.badRequest(name() + " takes one parameter, 'meta', a Meta (valueMeta); not '"
            + parameter.getName() + "'.");
      }
    }
    if (parameters.getParameter().size() != 1) {
      throw FhirException.badRequest(name() + " takes exactly one 'meta' parameter.");
    }
    return (Meta) parameters.getParameterFirstRep().getValue();
  }

  private String name() {
    return "$" + (add ? ADD : DELETE).name();
  }

  /** Adds what {@code meta} lacks of {@code change}; true when anything was added. */
  private static boolean add(Meta meta, Meta change) {
    boolean changed = false;
    for (CanonicalType profile : change.getProfile()) {
      if (!meta.hasProfile(profile.getValue())) {
        meta.addProfile(profile.getValue());
        changed = true;
      }
    }
    for (Coding tag : change.getTag()) {
      if (!contains(meta.getTag(), tag)) {
        meta.addTag(tag.copy());
        changed = true;
      }
    }
    for (Coding label : change.getSecurity()) {
      if (!contains(meta.getSecurity(), label)) {
        meta.addSecurity(label.copy());
        changed = true;
      }
    }
    return changed;
  }

  /** Removes from {@code meta} what {@code change} names; true when anything was removed. */
  private static boolean remove(Meta meta, Meta change) {
    boolean changed = false;
    for (CanonicalType profile : change.getProfile()) {
      changed |= meta.getProfile().removeIf(kept -> Objects.equals(kept.getValue(), profile.getValue()));
    }
    for (Coding tag : change.getTag()) {
      changed |= meta.getTag().removeIf(kept -> same(kept, tag));
    }
    for (Coding label : change.getSecurity()) {
      changed |= meta.getSecurity().removeIf(kept -> same(kept, label));
    }
    return changed;
  }

  private static boolean contains(List<Coding> codings, Coding wanted) {
    return codings.stream().anyMatch(coding -> same(coding, wanted));
  }

  /** A tag or security label is its system and code. */
  private static boolean same(Coding a, Coding b) {
    return Objects.equals(a.getSystem(), b.getSystem()) && Objects.equals(a.getCode(), b.getCode());
  }

  /**
   * The answer of $meta, $meta-add and $meta-delete: a Parameters whose {@code return} is a Meta. A Meta with nothing
   * in it (a type's or the server's that no resource tags) leaves {@code return} out: JSON has no empty objects, and
   * a parameter without a value breaks Parameters' rule that each has one (inv-1); HAPI's client reads either as an
   * empty Meta. A resource's own Meta is never empty: it has its versionId and lastUpdated.
   */
  public static Parameters answer(Meta meta) {
    Parameters parameters = new Parameters();
    if (!meta.isEmpty()) {
      parameters.addParameter().setName("return").setValue(meta);
    }
    return parameters;
  }
}
