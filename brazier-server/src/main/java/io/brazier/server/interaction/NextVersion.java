package io.brazier.server.interaction;

import io.brazier.fhir.FhirException;
import io.brazier.server.http.FhirRequest;
import io.brazier.server.http.FhirResponse;
import io.brazier.store.ResourceVersion;
import io.brazier.store.Store;
import io.brazier.store.VersionConflictException;
import io.brazier.store.Write;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Resource;

/**
 * Writes the next version of one resource, as update and patch do: read the current version, check If-Match, then
 * store what the request makes of it as a compare-and-set. A write that loses a race is made again from the new
 * current version, so no write is ever lost; when the client named its version with If-Match, it is a 412 instead.
 * Writers of one resource in this process take turns ({@link ResourceLocks}), so only other processes race.
 */
final class NextVersion {
  private static final int ATTEMPTS = 20;

  private final Store store;
  private final Writes writes;
  private final ResourceLocks locks = new ResourceLocks();

  NextVersion(Store store, Writes writes) {
    this.store = store;
    this.writes = writes;
  }

  /** Writes {@code change(current)}, where current is null or a deletion when the resource does not exist. */
  FhirResponse write(FhirRequest request, String id, Function<ResourceVersion, Resource> change) {
    return write(request, id, false, change);
  }

  /**
   * Writes {@code change(current)} over a resource that must exist: 404 when it never did, 410 when it is deleted,
   * before If-Match is looked at, as HTTP evaluates preconditions only on what would otherwise succeed.
   */
  FhirResponse writeExisting(FhirRequest request, String id, Function<ResourceVersion, Resource> change) {
    return write(request, id, true, change);
  }

  private FhirResponse write(FhirRequest request, String id, boolean mustExist,
      Function<ResourceVersion, Resource> change) {
    Integer ifMatch = request.ifMatch();
    for (int attempt = 1; ; attempt++) {
      try {
        return locks.holding(request.type(), id, () -> attempt(request, id, mustExist, ifMatch, change));
      } catch (VersionConflictException e) {
        if (ifMatch != null) {
          throw FhirException.preconditionFailed("Resource " + request.type() + "/" + id
              + " was changed by another request after version " + ifMatch + ".");
        }
        if (attempt == ATTEMPTS) {
          throw FhirException.conflict("Resource " + request.type() + "/" + id
              + " is being changed by too many requests at once; retry.");
        }
      }
    }
  }

  private FhirResponse attempt(FhirRequest request, String id, boolean mustExist, Integer ifMatch,
      Function<ResourceVersion, Resource> change) {
    ResourceVersion current = store.current(request.type(), id).orElse(null);
    if (mustExist && current == null) {
      throw FhirException.notFound(request.type(), id);
    }
    if (mustExist && current.deleted()) {
      throw FhirException.gone(request.type(), id);
    }
    if (ifMatch != null && (current == null || current.version() != ifMatch)) {
      throw FhirException.preconditionFailed("If-Match names version " + ifMatch + " but the current version of "
          + request.type() + "/" + id + " is " + (current == null ? "none" : current.version()) + ".");
    }
    Write write = writes.next(change.apply(current), id, current);
    store.commit(List.of(write));
    return FhirResponse.written(request, current == null || current.deleted() ? 201 : 200, write.toVersion());
  }
}
