package io.brazier.store.sql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports.Refused;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which version each imported line of one resource becomes, given what the store holds: a line with a
 * {@code meta.versionId} is stored as that version unless the store holds it already (then it is skipped when its
 * content is the stored version's, and refused as a conflict otherwise) or held it and purged it since (then it is
 * skipped: an import run again must not bring back what an operator purged); a line without one becomes the next
 * version, unless it says what the current version says; the highest version is the current one and every
 * other goes to history, replaced at the lastUpdated of the version after it. Lines are taken in input order, so the
 * first of several lines naming the same version wins: a later one is skipped when it says the same, and refused as
 * a conflict otherwise.
 *
 * <p>A line's {@code meta.lastUpdated} is kept, with two exceptions that keep history in time order. A version named
 * without a lastUpdated takes the lastUpdated of the version after it (it was replaced no later than that), or now
 * when it is the newest. A new version (no versionId) keeps its lastUpdated only when that is after the version it
 * follows; otherwise, or without one, it is stored now, as a write would be. A line that names both a version and a
 * lastUpdated before that of a lower version (stored, or of a line before it in version order), or after that of a
 * higher stored version, is refused: which of the two is wrong, only its source knows.
 */
final class ImportVersions {
  /** How FHIR instants are written, as a server writes {@code meta.lastUpdated}: milliseconds, UTC, {@code +00:00}. */
  static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  private ImportVersions() {}

  /**
   * The resource as stored: its current version (which may be a deletion) and, when some imported version is older,
   * the versions of its history with their lastUpdated, and those of them that are deletions ({@code deletions});
   * {@code purgedBelow} is the version current when its history was last purged (0 if never): the versions below
   * it that history does not hold were purged.
   */
  record Stored(long rid, int version, Instant lastUpdated, boolean deleted, Map<Integer, Instant> history,
      Set<Integer> deletions, int purgedBelow) {

    /** A resource whose history holds no deletion and was never purged. */
    Stored(long rid, int version, Instant lastUpdated, boolean deleted, Map<Integer, Instant> history) {
      this(rid, version, lastUpdated, deleted, history, Set.of(), 0);
    }

    /** Whether version {@code number} was stored and purged since. */
    boolean purged(int number) {
      return number < purgedBelow && !history.containsKey(number);
    }

    /** Whether its stored version {@code number} is a deletion. */
    boolean deletes(int number) {
      return number == version ? deleted : deletions.contains(number);
    }
  }

  /**
   * An imported line: its version and lastUpdated when it names them ({@code lastUpdatedText} as written), whether
   * its content equals that of the stored version it names, or of the stored current version when it names none,
   * and whether its content and lastUpdated equal those of the first line naming its version ({@code equalsFirst}).
   */
  record Line(long seq, Integer version, Instant lastUpdated, String lastUpdatedText, boolean equalsStored,
      boolean equalsFirst) {}

  enum Action { SKIP, CURRENT, HISTORY }

  /**
   * What becomes of a line: skipped, or stored as {@code version} (current or history, then replaced at
   * {@code replacedAt}); {@code creates} when it creates the resource, as history tells it: no version of it is
   * below, or the one right below is a deletion (an import writes none, so that one is stored); {@code outOfOrder}
   * when it is not the next version over the newest: a version above it is stored, or the one right below it is
   * neither stored nor imported (the change feed marks it, for scans as of a sequence).
   */
  record Decision(long seq, Action action, int version, Instant lastUpdated, String lastUpdatedText,
      Instant replacedAt, boolean creates, boolean outOfOrder) {}

  /**
   * The lines' decisions (none for a refused line), when the stored current version is replaced by an imported one
   * (then it moves to history, replaced at {@code retiredAt}; null when it stays current, or nothing is stored), the
   * versions of history that an imported version now follows, each with the time it was replaced at since
   * ({@code replaced}), and the lines refused.
   */
  record Plan(List<Decision> decisions, Instant retiredAt, Map<Integer, Instant> replaced,
      List<Refused> refused) {}

  /** The plan for the lines (in input order) of one resource; {@code stored} is null for a resource new to the store. */
  static Plan plan(Stored stored, List<Line> lines, Instant now) {
    NavigableMap<Integer, Instant> versions = new TreeMap<>();
    if (stored != null) {
      versions.putAll(stored.history());
      versions.put(stored.version(), stored.lastUpdated());
    }
    int storedCurrent = stored == null ? 0 : stored.version();
    Map<Long, Integer> chosen = new TreeMap<>();
    Map<Long, String> texts = new TreeMap<>();
    NavigableMap<Integer, Line> dated = new TreeMap<>();
    NavigableMap<Integer, Line> undated = new TreeMap<>();
    Map<Integer, Line> firsts = new TreeMap<>();
    List<Refused> refused = new ArrayList<>();
    for (Line line : lines) {
      Integer version = line.version();
      if (version != null && stored != null && stored.purged(version)) {
        continue; // skipped: what an operator purged stays purged, however often its import runs
      }
      if (version != null && versions.containsKey(version) && !line.equalsStored()) {
        refused.add(new Refused(line.seq(), true, "Version " + version + " is stored already, with other content:"
            + " a stored version does not change (leave out meta.versionId to import the change as a new version)."));
      } else if (version != null && firsts.containsKey(version) && !line.equalsFirst()) {
        long first = firsts.get(version).seq();
        refused.add(new Refused(line.seq(), true, "Version " + version + " is named by an earlier line with other"
            + " content (input " + (ImportLine.input(first) + 1) + ", line " + ImportLine.line(first) + "): a"
            + " version has one content (leave out meta.versionId to import the change as a new version)."));
      } else if (version != null && !versions.containsKey(version) && !firsts.containsKey(version)) {
        firsts.put(version, line);
        (line.lastUpdated() != null ? dated : undated).put(version, line);
      }
    }
    // In version order, each against the versions below it kept so far and the stored ones above it.
    for (Line line : dated.values()) {
      Map.Entry<Integer, Instant> before = versions.lowerEntry(line.version());
      Map.Entry<Integer, Instant> after = versions.higherEntry(line.version());
      if (before != null && line.lastUpdated().isBefore(before.getValue())) {
        refused.add(outOfOrder(line, "before", before));
      } else if (after != null && line.lastUpdated().isAfter(after.getValue())) {
        refused.add(outOfOrder(line, "after", after));
      } else {
        chosen.put(line.seq(), line.version());
        versions.put(line.version(), line.lastUpdated());
        texts.put(line.seq(), line.lastUpdatedText());
      }
    }
    undated.values().forEach(line -> chosen.put(line.seq(), line.version()));
    for (Line line : undated.descendingMap().values()) {
      Map.Entry<Integer, Instant> after = versions.higherEntry(line.version());
      Instant at = after != null ? after.getValue() : next(versions.lowerEntry(line.version()), now);
      versions.put(line.version(), at);
      texts.put(line.seq(), INSTANT.format(at));
    }
    for (Line line : lines) {
      int last = versions.isEmpty() ? 0 : versions.lastKey();
      boolean unchanged = line.equalsStored() && last == storedCurrent;
      if (line.version() == null && !unchanged) {
        Map.Entry<Integer, Instant> previous = versions.lastEntry();
        boolean keep = line.lastUpdated() != null
            && (previous == null || line.lastUpdated().isAfter(previous.getValue()));
        versions.put(last + 1, keep ? line.lastUpdated() : next(previous, now));
        chosen.put(line.seq(), last + 1);
        texts.put(line.seq(), keep ? line.lastUpdatedText() : INSTANT.format(versions.get(last + 1)));
      }
    }
    return decide(lines, versions, chosen, texts, stored, refused);
  }

  /** The refusal of a line dated {@code relation} ("before", "after") the version {@code other}. */
  private static Refused outOfOrder(Line line, String relation, Map.Entry<Integer, Instant> other) {
    return new Refused(line.seq(), false, "Version " + line.version() + " is dated " + line.lastUpdatedText() + ", "
        + relation + " version " + other.getKey() + " (" + INSTANT.format(other.getValue()) + "): the versions of a"
        + " resource follow each other in time.");
  }

  private static Plan decide(List<Line> lines, NavigableMap<Integer, Instant> versions, Map<Long, Integer> chosen,
      Map<Long, String> texts, Stored stored, List<Refused> refused) {
    int newest = versions.isEmpty() ? 0 : versions.lastKey();
    Set<Long> refusedSeqs = new HashSet<>();
    refused.forEach(line -> refusedSeqs.add(line.seq()));
    List<Decision> decisions = new ArrayList<>();
    for (Line line : lines) {
      Integer version = chosen.get(line.seq());
      if (refusedSeqs.contains(line.seq())) {
        continue;
      }
      if (version == null) {
        decisions.add(new Decision(line.seq(), Action.SKIP, 0, null, null, null, false, false));
        continue;
      }
      Map.Entry<Integer, Instant> after = versions.higherEntry(version);
      Integer below = versions.lowerKey(version);
      boolean gap = below == null ? version > 1 : below != version - 1;
      decisions.add(new Decision(line.seq(), version == newest ? Action.CURRENT : Action.HISTORY, version,
          versions.get(version), texts.get(line.seq()), after == null ? null : after.getValue(),
          below == null || stored != null && stored.deletes(below),
          gap || stored != null && version < stored.version()));
    }
    boolean retired = stored != null && chosen.containsValue(newest);
    return new Plan(decisions, retired ? versions.higherEntry(stored.version()).getValue() : null,
        replaced(stored, versions, chosen), refused);
  }

  /**
   * The stored versions of history that an imported version follows now (it fills a gap above them): they stopped
   * being current when it became current, not when the version stored after them did.
   */
  private static Map<Integer, Instant> replaced(Stored stored, NavigableMap<Integer, Instant> versions,
      Map<Long, Integer> chosen) {
    Map<Integer, Instant> replaced = new TreeMap<>();
    if (stored != null) {
      Set<Integer> imported = new HashSet<>(chosen.values());
      stored.history().keySet().forEach(version -> {
        Map.Entry<Integer, Instant> after = versions.higherEntry(version);
        if (imported.contains(after.getKey())) {
          replaced.put(version, after.getValue());
        }
      });
    }
    return replaced;
  }

  /** A new version's lastUpdated: now, in milliseconds, and never before the version it follows. */
  private static Instant next(Map.Entry<Integer, Instant> previous, Instant now) {
    Instant at = millis(now);
    if (previous != null && !at.isAfter(previous.getValue())) {
      return previous.getValue().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    }
    return at;
  }

  private static Instant millis(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS);
  }
}
