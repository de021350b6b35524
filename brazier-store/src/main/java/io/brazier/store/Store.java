package io.brazier.store;

import java.util.Collection;
import io.brazier.fhir.search.SearchQuery;
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

  /**
   * The first {@code count} matches of a search, in result order. When there are more, the whole result is stored
   * as a snapshot that {@link #page} walks, so that later pages show exactly what matched now.
   */
  SearchPage search(SearchQuery query, int count);

  /** Matches {@code offset + 1} to {@code offset + count} of a stored snapshot; empty when it has expired. */
  Optional<SearchPage> page(String snapshot, int offset, int count);

  /** How many resources match a search. */
  int count(SearchQuery query);

  /** About how many resources match a search, as the database's statistics tell without running it. */
  int estimate(SearchQuery query);

  /** Ids of the matches of a search over one type, oldest first, at most {@code limit}. */
  List<String> ids(SearchQuery query, int limit);

  /**
   * The live resources that {@code from} refer to through the includes' parameters ({@code reverse}: that refer to
   * {@code from}), at most {@code limit}. Each include names one source type and parameter.
   */
  List<ResourceVersion> include(List<ResourceVersion> from, List<SearchQuery.Include> includes, boolean reverse,
      int limit);

  /**
   * Live resources of a type in id order, after {@code afterId} (null: from the start), at most {@code limit}: a
   * walk through a type that concurrent writes do not disturb.
   */
  List<ResourceVersion> scan(String type, String afterId, int limit);

  /**
   * Replaces the search index of resources whose current version is still the one given (a resource written since
   * has its new version's index already); the writes' bodies are not stored. Returns how many were reindexed.
   */
  int reindex(List<Write> writes);

  /** Changes numbered after {@code since}, oldest first, at most {@code count}. */
  List<Change> changes(long since, int count);

  /** The background jobs, shared with every node on this database. */
  JobStore jobs();

  /** Bulk import: staging, checks and merging, per job of the job table. */
  Imports imports();

  /** Whether the database answers. */
  boolean healthy();

  @Override
  void close();
}
