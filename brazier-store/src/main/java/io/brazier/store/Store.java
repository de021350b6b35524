package io.brazier.store;

import io.brazier.fhir.search.FhirSearch;
import io.brazier.fhir.search.SearchQuery;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** Durable storage of FHIR resources, their versions, search indexes and change feed. */
public interface Store extends AutoCloseable {

  /** The current version of a resource, which may be a deletion. */
  Optional<ResourceVersion> current(String type, String id);

  /** One version of a resource, current or historical. */
  Optional<ResourceVersion> version(String type, String id, int version);

  /**
   * Stores all writes in one transaction, or none of them. Each names a resource of its own: two versions of one
   * resource are two commits.
   *
   * @throws VersionConflictException when a write's expected current version is not the stored one
   * @throws IllegalArgumentException when two writes name the same resource, before anything is written
   */
  void commit(List<Write> writes);

  /**
   * Stores all writes and records a job's progress in one transaction, so that both commit or neither: the progress
   * of a job whose counts must say exactly what it wrote. False, with nothing stored, when the job's runner no longer
   * holds the job (it was cancelled or taken over).
   *
   * @throws VersionConflictException as {@link #commit(List)}
   * @throws IllegalArgumentException as {@link #commit(List)}
   */
  boolean commit(List<Write> writes, JobHeartbeat progress);

  HistoryPage history(HistoryQuery query);

  /**
   * Deletes every version of a resource but its current one (which may be a deletion), in one statement; returns how
   * many it deleted. The current version, its id and the change feed's entries stay; what reads an older version
   * (vread, history, a search page or export begun before, the change feed's {@code resources=true}) no longer finds
   * it.
   */
  int purgeHistory(String type, String id);

  /**
   * As {@link #purgeHistory}, but only while the resource's current version is a deletion (decided under the purge's
   * lock on the resource): a hard delete's purge, which leaves alone a resource written again since its deletion.
   */
  int purgeDeletedHistory(String type, String id);

  /**
   * Purges the history of each of these resources, as {@link #purgeHistory} does ({@link #purgeDeletedHistory} when
   * {@code onlyDeleted}), and records in the same transaction the job progress that {@code progress} makes of how
   * many of them had versions to purge; returns that number, or empty, with nothing purged, when the job's runner no
   * longer holds the job.
   */
  OptionalInt purgeHistories(String type, List<String> ids, boolean onlyDeleted, IntFunction<JobHeartbeat> progress);

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
   * A page of what {@code query} includes: at most {@code limit} resources whose row keys follow {@code after} (0:
   * from the first), in row key order.
   */
  IncludedPage include(IncludeQuery query, long after, int limit);

  /**
   * Live resources of a type in id order, after {@code afterId} (null: from the start), at most {@code limit}: a
   * walk through a type that concurrent writes do not disturb.
   */
  List<ResourceVersion> scan(String type, String afterId, int limit);

  /**
   * The distinct values live resources of {@code types} (every type when empty) are indexed with under the token or
   * uri parameter {@code code} (such as {@code _tag} or {@code _profile}), sorted, at most {@code limit}.
   */
  List<IndexedValue> indexedValues(List<String> types, String code, int limit);

  /**
   * Replaces the search index of resources whose current version is still the one given (a resource written since
   * has its new version's index already); the writes' bodies are not stored. Returns how many were reindexed.
   */
  int reindex(List<Write> writes);

  /**
   * A page of the change feed: the changes numbered after {@code query.since()}, oldest first, waiting up to
   * {@code query.maxWait()} for a first one. Readers never wait on each other or on writers.
   *
   * @throws ChangesGone when changes after {@code since} are no longer kept
   */
  ChangePage changes(ChangeQuery query);

  /**
   * Calls {@code listener} with the resource types of committed changes, so that what a node keeps in memory
   * follows what any node writes: the types of this store's own commits as each commits (on the committing thread,
   * before {@link #commit} returns), and those of every node's commits soon after they are numbered. It is called
   * with every type when notices may have been lost (the database connection that receives them was reopened). A
   * listener that throws is called again, with every type, a second later.
   *
   * @return what stops the calls, for a listener that goes away before the store
   */
  Runnable onChanges(Consumer<Set<String>> listener);

  /**
   * The statuses set on search parameters ({@code SearchParameter/$status}), by canonical url: {@code Enabled} or
   * {@code Disabled}. A parameter without one is enabled.
   */
  Map<String, String> searchParameterStatuses();

  /**
   * Sets statuses of search parameters, by canonical url, in one transaction; then every node's {@link #onChanges}
   * listeners hear that SearchParameter changed, as after a commit of one: this node's before this returns, the
   * others' once the notice reaches them.
   */
  void setSearchParameterStatuses(Map<String, String> statuses);

  /** The background jobs, shared with every node on this database. */
  JobStore jobs();

  /** Bulk import: staging, checks and merging, per job of the job table. */
  Imports imports();

  /**
   * Which index rows answer a search on each parameter, as the API that extracts the writes' index decides
   * ({@link RowCodes}); until told, every parameter is answered by rows of its own code.
   */
  void answerParameters(RowCodes rowCodes);

  /** Whether the database answers. */
  boolean healthy();

  /**
   * The sequence of the last numbered change: every change up to it has committed, and a change that commits later
   * gets a higher one, so it names a point of the store's history that {@link #scan(AsOfScan, FhirSearch)} reads as
   * of. Committed changes not numbered yet are numbered first, so a write acknowledged before the call is within it.
   * 0 when nothing was ever written.
   */
  long watermark();

  /**
   * The earliest {@code lastUpdated} of the changes after {@code sequence} (numbered later, or not numbered yet);
   * empty when there are none. A version is stamped before it commits, so one stamped before an instant may still
   * commit after a {@link #watermark} taken at that instant: this tells how far back such late commits reach.
   */
  Optional<Instant> firstChangeAfter(long sequence);

  /**
   * A page of a scan as of a sequence (see {@link AsOfScan}), ordered by {@code lastUpdated} and then the resource's
   * row, the stored JSON as it is. A resource changed since the sequence is served at its version of then, from
   * history; {@code search} extracts such versions' index values when the scan has criteria (they have no index
   * rows), with the parameters the server indexes writes with.
   *
   * @throws IllegalArgumentException when the sequence is beyond the {@link #watermark}, or older than the changes
   *     the change feed still keeps
   */
  ScanPage scan(AsOfScan scan, FhirSearch search);

  /**
   * A page of the resources of {@code type} that were deleted as of change {@code sequence} (their version then was a
   * deletion) by a deletion last updated at or after {@code since} (null: whenever), in the order and with the
   * paging of {@link #scan(AsOfScan, FhirSearch)}: what a bulk export since an instant reports as deleted.
   *
   * @throws IllegalArgumentException as {@link #scan(AsOfScan, FhirSearch)}
   */
  ScanPage deletions(String type, long sequence, Instant since, ScanCursor after, int count);

  /**
   * The current versions, deletions included, of these resources (each written {@code Type/id}) by
   * {@code Type/id}, in one round trip; a resource never stored is absent.
   *
   * @throws IllegalArgumentException for a key that is not {@code Type/id} of a known type
   */
  Map<String, ResourceVersion> current(Collection<String> resources);

  /**
   * For each version, in order, the ids of the patients whose compartments it is in, by the Patient
   * CompartmentDefinition and the version's own references (a patient is in its own); a deletion is in those of the
   * version it deleted. {@code search} extracts the references with the server's parameters.
   */
  List<Set<String>> patientCompartments(List<ResourceVersion> versions, FhirSearch search);

  @Override
  void close();
}
