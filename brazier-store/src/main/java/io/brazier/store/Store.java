package io.brazier.store;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Durable storage of FHIR resources, their versions, search indexes and change feed. */
public interface Store extends AutoCloseable {

  /** The current version of a resource, which may be a deletion. */
  Optional<ResourceVersion> current(String type, String id);

  /** One version of a resource, current or historical. */
  Optional<ResourceVersion> version(String type, String id, int version);

  /**
   * Stores all writes in one transaction, or none of them.
   *
   * @throws VersionConflictException when a write's expected current version is not the stored one
   */
  void commit(List<Write> writes);

  HistoryPage history(HistoryQuery query);

  /**
   * Which of these resources, each written {@code Type/id}, exist now and are not deleted: one round trip for all of
   * them, as referential integrity checks a whole transaction's references at once.
   */
  Set<String> existing(Collection<String> resources);

  /** Ids of the current, not deleted resources of a type whose token parameter matches. */
  List<String> idsByToken(String type, String param, String system, String code, int limit);

  /** Changes numbered after {@code since}, oldest first, at most {@code count}. */
  List<Change> changes(long since, int count);

  /** Whether the database answers. */
  boolean healthy();

  @Override
  void close();
}
