package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.ImportLine;
import io.brazier.store.Imports.Refused;
import io.brazier.store.sql.ImportVersions.Action;
import io.brazier.store.sql.ImportVersions.Decision;
import io.brazier.store.sql.ImportVersions.Line;
import io.brazier.store.sql.ImportVersions.Plan;
import io.brazier.store.sql.ImportVersions.Stored;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The versions imported lines become, against what the store holds. */
class ImportVersionsTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00.123456Z");
  private static final Instant T1 = Instant.parse("2020-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2021-01-01T00:00:00Z");
  private static final Instant T3 = Instant.parse("2022-01-01T00:00:00Z");

  @Test
  void aNewResourceWithoutAVersionBecomesVersionOneNowAndItsFirstVersion() {
    Plan plan = ImportVersions.plan(null, List.of(line(1, null, null)), NOW);

    assertThat(plan.decisions()).containsExactly(new Decision(1, Action.CURRENT, 1,
        Instant.parse("2026-12-05T10:00:00.123Z"), "2026-12-05T10:00:00.123+00:00", null, true, false));
    assertThat(plan.retiredAt()).isNull();
  }

  @Test
  void versionsOfANewResourceInAnyOrderFillItsHistoryInVersionOrder() {
    Plan plan = ImportVersions.plan(null, List.of(line(1, 3, T3), line(2, 1, T1), line(3, 2, T2)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action, Decision::version, Decision::replacedAt, Decision::creates)
        .containsExactly(tuple(Action.CURRENT, 3, null, false), tuple(Action.HISTORY, 1, T2, true),
            tuple(Action.HISTORY, 2, T3, false));
  }

  @Test
  void aVersionTheStoreHoldsIsSkippedAndANewerOneReplacesTheCurrent() {
    Stored stored = new Stored(7, 2, T2, false, Map.of());

    Plan plan = ImportVersions.plan(stored, List.of(line(1, 2, T2, true), line(2, 3, T3)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action, Decision::version)
        .containsExactly(tuple(Action.SKIP, 0), tuple(Action.CURRENT, 3));
    assertThat(plan.retiredAt()).as("version 2 moves to history, replaced by version 3").isEqualTo(T3);
  }

  @Test
  void anOlderVersionTheStoreLacksGoesToHistoryBeforeTheVersionAfterIt() {
    Stored stored = new Stored(7, 3, T3, false, Map.of(1, T1));

    Plan plan = ImportVersions.plan(stored, List.of(line(1, 2, T2), line(2, 1, T1, true)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action, Decision::version, Decision::replacedAt)
        .containsExactly(tuple(Action.HISTORY, 2, T3), tuple(Action.SKIP, 0, null));
    assertThat(plan.retiredAt()).as("version 3 stays current").isNull();
    assertThat(plan.replaced()).as("version 1 was replaced by version 2").containsExactly(Map.entry(1, T2));
  }

  @Test
  void versionsBelowAPurgeAreSkippedWhileANewerOneIsImported() {
    Stored purgedAtThree = new Stored(7, 3, T3, false, Map.of(), Set.of(), 3);
    Instant t4 = Instant.parse("2023-01-01T00:00:00Z");

    Plan plan = ImportVersions.plan(purgedAtThree, List.of(line(1, 1, T1), line(2, 2, null), line(3, 4, t4)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action, Decision::version)
        .containsExactly(tuple(Action.SKIP, 0), tuple(Action.SKIP, 0), tuple(Action.CURRENT, 4));
    assertThat(plan.refused()).isEmpty();
  }

  @Test
  void aLineEqualToTheCurrentVersionIsSkippedSoThatAnImportRunTwiceWritesNothing() {
    Stored stored = new Stored(7, 4, T3, false, Map.of());

    Plan plan = ImportVersions.plan(stored, List.of(line(1, null, null, true)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action).containsExactly(Action.SKIP);
    assertThat(plan.retiredAt()).isNull();
  }

  @Test
  void aChangedLineWithoutAVersionBecomesTheNextVersionAfterAllOthers() {
    Stored stored = new Stored(7, 2, T2, true, Map.of());

    Plan plan = ImportVersions.plan(stored, List.of(line(1, null, null), line(2, 5, T3)), NOW);

    assertThat(plan.decisions()).extracting(Decision::action, Decision::version)
        .containsExactly(tuple(Action.CURRENT, 6), tuple(Action.HISTORY, 5));
    assertThat(plan.retiredAt()).as("the deleted version 2 is followed by version 5").isEqualTo(T3);
  }

  /**
   * A version creates its resource, as history and the change feed say, when no version is below it or the one right
   * below it is a deletion: above a deleted current version, in a gap above a deletion of history, below all others.
   */
  @Test
  void aVersionWithADeletionOrNoVersionRightBelowItCreatesItsResource() {
    Instant t4 = Instant.parse("2023-01-01T00:00:00Z");
    Stored deleted = new Stored(7, 2, T2, true, Map.of());
    Stored gapAboveADeletion = new Stored(7, 5, t4, false, Map.of(1, T1, 2, T2), Set.of(2), 0);
    Stored fromVersionThree = new Stored(7, 3, T3, false, Map.of());

    Plan back = ImportVersions.plan(deleted, List.of(line(1, null, null), line(2, 5, T3)), NOW);
    Plan filled = ImportVersions.plan(gapAboveADeletion, List.of(line(1, 3, T3), line(2, 4, null)), NOW);
    Plan below = ImportVersions.plan(fromVersionThree, List.of(line(1, 2, T2)), NOW);

    assertThat(back.decisions()).extracting(Decision::version, Decision::creates)
        .containsExactly(tuple(6, false), tuple(5, true));
    assertThat(filled.decisions()).extracting(Decision::version, Decision::creates)
        .containsExactly(tuple(3, true), tuple(4, false));
    assertThat(below.decisions()).extracting(Decision::version, Decision::creates).containsExactly(tuple(2, true));
  }

  /**
   * A version is out of order when a version above it is stored, or the one right below it is neither stored nor
   * imported with it; the next versions over the newest, and the versions of a new resource from 1 up, are not.
   */
  @Test
  void aVersionBelowAStoredOneOrOverAGapIsOutOfOrder() {
    Stored versionThree = new Stored(7, 3, T3, false, Map.of(1, T1));

    Plan next = ImportVersions.plan(versionThree, List.of(line(1, null, null), line(2, 5, null)), NOW);
    Plan below = ImportVersions.plan(versionThree, List.of(line(1, 2, T2)), NOW);
    Plan gap = ImportVersions.plan(versionThree, List.of(line(1, 6, null)), NOW);
    Plan fresh = ImportVersions.plan(null, List.of(line(1, 2, T2), line(2, 1, T1)), NOW);
    Plan fromThree = ImportVersions.plan(null, List.of(line(1, 3, T3)), NOW);

    assertThat(next.decisions()).extracting(Decision::version, Decision::outOfOrder)
        .containsExactly(tuple(6, false), tuple(5, true));
    assertThat(below.decisions()).extracting(Decision::version, Decision::outOfOrder).containsExactly(tuple(2, true));
    assertThat(gap.decisions()).extracting(Decision::version, Decision::outOfOrder).containsExactly(tuple(6, true));
    assertThat(fresh.decisions()).extracting(Decision::version, Decision::outOfOrder)
        .containsExactly(tuple(2, false), tuple(1, false));
    assertThat(fromThree.decisions()).extracting(Decision::outOfOrder).containsExactly(true);
  }

  @Test
  void aNewVersionIsNeverOlderThanTheVersionItFollows() {
    Instant future = Instant.parse("2030-01-01T00:00:00.500Z");
    Stored stored = new Stored(7, 1, future, false, Map.of());

    Plan plan = ImportVersions.plan(stored, List.of(line(1, null, null)), NOW);

    assertThat(plan.decisions().get(0).lastUpdated()).isEqualTo(future.plusMillis(1));
    assertThat(plan.decisions().get(0).lastUpdatedText()).isEqualTo("2030-01-01T00:00:00.501+00:00");
  }

  @Test
  void aVersionNamedWithoutALastUpdatedBelowANewerOneTakesTheLastUpdatedOfTheVersionAfterIt() {
    Stored stored = new Stored(7, 4, T3, false, Map.of(1, T1));

    Plan plan = ImportVersions.plan(stored, List.of(line(1, 2, null), line(2, 3, null)), NOW);

    assertThat(plan.decisions()).extracting(Decision::version, Decision::lastUpdated, Decision::replacedAt)
        .containsExactly(tuple(2, T3, T3), tuple(3, T3, T3));
    assertThat(plan.decisions().get(0).lastUpdatedText()).isEqualTo("2022-01-01T00:00:00.000+00:00");
  }

  @Test
  void theNewestVersionNamedWithoutALastUpdatedIsStoredNow() {
    Plan plan = ImportVersions.plan(null, List.of(line(1, 2, null), line(2, 1, T1)), NOW);

    assertThat(plan.decisions()).extracting(Decision::version, Decision::lastUpdated)
        .containsExactly(tuple(2, Instant.parse("2026-12-05T10:00:00.123Z")), tuple(1, T1));
  }

  @Test
  void aNewVersionKeepsALastUpdatedAfterTheVersionItFollowsAndIsStoredNowOtherwise() {
    Stored stored = new Stored(7, 1, T2, false, Map.of());

    Plan later = ImportVersions.plan(stored, List.of(line(1, null, T3)), NOW);
    Plan earlier = ImportVersions.plan(stored, List.of(line(1, null, T1)), NOW);

    assertThat(later.decisions()).extracting(Decision::version, Decision::lastUpdated, Decision::lastUpdatedText)
        .containsExactly(tuple(2, T3, T3.toString()));
    assertThat(later.retiredAt()).isEqualTo(T3);
    assertThat(earlier.decisions()).extracting(Decision::version, Decision::lastUpdated)
        .containsExactly(tuple(2, Instant.parse("2026-12-05T10:00:00.123Z")));
  }

  @Test
  void ofLinesNamingOneVersionTheFirstWinsOneWithItsContentIsSkippedAndOneWithOtherContentIsAConflict() {
    Line first = line(ImportLine.seq(0, 4), 1, T1);
    Line same = new Line(ImportLine.seq(1, 9), 1, T1, T1.toString(), false, true);
    Line other = line(ImportLine.seq(1, 2), 1, T2);

    Plan plan = ImportVersions.plan(null, List.of(first, other, same), NOW);

    assertThat(plan.decisions()).extracting(Decision::seq, Decision::action)
        .containsExactly(tuple(first.seq(), Action.CURRENT), tuple(same.seq(), Action.SKIP));
    assertThat(plan.refused()).containsExactly(new Refused(other.seq(), true, "Version 1 is named by an earlier line"
        + " with other content (input 1, line 4): a version has one content (leave out meta.versionId to import the"
        + " change as a new version)."));
  }

  @Test
  void aLineNamingAStoredVersionWithOtherContentIsRefusedAsAConflict() {
    Stored stored = new Stored(7, 2, T2, false, Map.of(1, T1));

    Plan plan = ImportVersions.plan(stored, List.of(line(1, 1, T1, false), line(2, 2, T2, true)), NOW);

    assertThat(plan.decisions()).extracting(Decision::seq, Decision::action).containsExactly(tuple(2L, Action.SKIP));
    assertThat(plan.retiredAt()).isNull();
    assertThat(plan.refused()).containsExactly(new Refused(1, true, "Version 1 is stored already, with other"
        + " content: a stored version does not change (leave out meta.versionId to import the change as a new"
        + " version)."));
  }

  @Test
  void aVersionDatedBeforeALowerVersionOfTheImportIsRefusedWhileTheOthersAreKept() {
    Plan plan = ImportVersions.plan(null, List.of(line(1, 3, T3), line(2, 2, T1), line(3, 1, T2)), NOW);

    assertThat(plan.decisions()).extracting(Decision::seq, Decision::action, Decision::version,
        Decision::replacedAt).containsExactly(tuple(1L, Action.CURRENT, 3, null), tuple(3L, Action.HISTORY, 1, T3));
    assertThat(plan.refused()).containsExactly(new Refused(2, false, "Version 2 is dated 2020-01-01T00:00:00Z, before"
        + " version 1 (2021-01-01T00:00:00.000+00:00): the versions of a resource follow each other in time."));
  }

  @Test
  void aVersionDatedBeforeALowerStoredVersionOrAfterAHigherOneIsRefused() {
    Stored stored = new Stored(7, 2, T2, false, Map.of());

    Plan newer = ImportVersions.plan(stored, List.of(line(1, 3, T1)), NOW);
    Plan older = ImportVersions.plan(stored, List.of(line(1, 1, T3)), NOW);

    assertThat(newer.decisions()).isEmpty();
    assertThat(newer.retiredAt()).as("version 2 stays current").isNull();
    assertThat(newer.refused()).extracting(Refused::reason).containsExactly("Version 3 is dated"
        + " 2020-01-01T00:00:00Z, before version 2 (2021-01-01T00:00:00.000+00:00): the versions of a resource"
        + " follow each other in time.");
    assertThat(older.decisions()).isEmpty();
    assertThat(older.refused()).extracting(Refused::reason).containsExactly("Version 1 is dated"
        + " 2022-01-01T00:00:00Z, after version 2 (2021-01-01T00:00:00.000+00:00): the versions of a resource"
        + " follow each other in time.");
  }

  @Test
  void aGivenLastUpdatedIsKeptAsWritten() {
    Line line = new Line(1, 4, T1, "2020-01-01T02:00:00+02:00", false, false);

    Plan plan = ImportVersions.plan(null, List.of(line), NOW);

    assertThat(plan.decisions().get(0).lastUpdatedText()).isEqualTo("2020-01-01T02:00:00+02:00");
    assertThat(plan.decisions().get(0).lastUpdated()).isEqualTo(T1);
  }

  private static Line line(long seq, Integer version, Instant lastUpdated) {
    return line(seq, version, lastUpdated, false);
  }

  private static Line line(long seq, Integer version, Instant lastUpdated, boolean equalsStored) {
    return new Line(seq, version, lastUpdated, lastUpdated == null ? null : lastUpdated.toString(), equalsStored,
        false);
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
