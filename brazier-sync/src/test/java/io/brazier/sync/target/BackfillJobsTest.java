package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestTargets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Back-fill jobs in a real PostgreSQL (a second embedded instance), each test in a schema of its own. */
class BackfillJobsTest {
  private final TargetConfig config = TestTargets.inOtherDatabase();
  private final RelationalTarget target = RelationalTarget.open(config, false, false);
  private final BackfillJobs jobs = target.backfills();

  @AfterEach
  void close() {
    target.close();
  }

  @Test
  void queuedJobsAreClaimedOldestFirstEachByOneAgent() throws Exception {
    UUID first = jobs.queue(List.of("Patient", "Observation"));
    UUID second = jobs.queue(List.of("Encounter"));

    BackfillJobs.Job claimed = jobs.claim("agent-a").orElseThrow();

    assertThat(claimed.id()).isEqualTo(first);
    assertThat(claimed.status()).isEqualTo("running");
    assertThat(claimed.types()).containsExactly("Patient", "Observation");
    assertThat(claimed.typeIndex()).isZero();
    assertThat(claimed.cursor()).isNull();
    assertThat(jobs.claim("agent-b").orElseThrow().id()).isEqualTo(second);
    assertThat(jobs.claim("agent-c")).as("both are leased").isEmpty();
  }

  @Test
  void aJobIsFoundByItsIdWhenElevenNewerAreQueuedAfterIt() throws Exception {
    UUID followed = jobs.queue(List.of("Patient"));
    for (int i = 0; i < 11; i++) {
      jobs.queue(List.of("Encounter"));
    }

    assertThat(jobs.recent(10)).extracting(BackfillJobs.Job::id).doesNotContain(followed);
    assertThat(jobs.job(followed)).get().returns(List.of("Patient"), BackfillJobs.Job::types)
        .returns("queued", BackfillJobs.Job::status);
    assertThat(jobs.job(UUID.randomUUID())).isEmpty();
  }

  @Test
  void aReleasedJobIsClaimedByTheNextAgentAndItsFormerOwnerCanNoLongerWriteIt() throws Exception {
    UUID id = jobs.queue(List.of("Patient"));
    jobs.claim("agent-a").orElseThrow();

    jobs.release("agent-a");
    BackfillJobs.Job taken = jobs.claim("agent-b").orElseThrow();

    assertThat(taken.id()).isEqualTo(id);
    assertThatThrownBy(() -> jobs.total(id, "agent-a", 10)).isInstanceOf(BackfillJobs.LostJob.class)
        .hasMessage("Back-fill " + id + " is no longer this agent's");
    assertThatThrownBy(() -> jobs.finish(id, "agent-a", "done", null)).isInstanceOf(BackfillJobs.LostJob.class);
    jobs.total(id, "agent-b", 10);
    assertThat(jobs.recent(1)).singleElement().returns(10L, BackfillJobs.Job::total)
        .returns("running", BackfillJobs.Job::status);
  }

  @Test
  void releasingHandsBackOnlyTheAgentsOwnJobs() throws Exception {
    jobs.queue(List.of("Patient"));
    jobs.queue(List.of("Encounter"));
    jobs.claim("agent-a").orElseThrow();
    jobs.claim("agent-b").orElseThrow();

    jobs.release("agent-a");

    assertThat(jobs.claim("agent-c")).hasValueSatisfying(job -> assertThat(job.types()).containsExactly("Patient"));
    assertThat(jobs.claim("agent-d")).isEmpty();
  }

  @Test
  void resumingAllMakesEveryRunningJobClaimable() throws Exception {
    jobs.queue(List.of("Patient"));
    jobs.queue(List.of("Encounter"));
    jobs.claim("agent-a").orElseThrow();
    jobs.claim("agent-b").orElseThrow();

    jobs.resumeAll();

    assertThat(jobs.claim("leader")).isPresent();
    assertThat(jobs.claim("leader")).isPresent();
    assertThat(jobs.claim("leader")).isEmpty();
  }

  @Test
  void anEndedJobIsNeverClaimedAgainAndKeepsWhyItFailed() throws Exception {
    UUID done = jobs.queue(List.of("Patient"));
    jobs.claim("agent-a").orElseThrow();
    jobs.finish(done, "agent-a", "done", null);
    UUID failed = jobs.queue(List.of("Observation"));
    jobs.claim("agent-a").orElseThrow();
    jobs.finish(failed, "agent-a", "failed", "reading Observation: gave up after 5 attempts");

    jobs.resumeAll();

    assertThat(jobs.claim("agent-b")).isEmpty();
    assertThat(jobs.recent(10)).extracting(BackfillJobs.Job::id).containsExactly(failed, done);
    assertThat(jobs.recent(10).get(0)).returns("failed", BackfillJobs.Job::status)
        .returns("reading Observation: gave up after 5 attempts", BackfillJobs.Job::error);
    assertThat(jobs.recent(1)).hasSize(1);
    assertThatThrownBy(() -> jobs.finish(done, "agent-a", "failed", "late")).as("an ended job stays ended")
        .isInstanceOf(BackfillJobs.LostJob.class);
  }

  @Test
  void aPageRecordedWithItsRowsMovesTheJobOn() throws Exception {
    UUID id = jobs.queue(List.of("Patient", "Encounter"));
    jobs.claim("agent-a").orElseThrow();

    target.database().transaction(connection -> {
      BackfillJobs.record(connection, new BackfillJobs.Step(id, "agent-a", 1, "2026-01-01T00:00:00Z", 250));
      return null;
    });

    assertThat(jobs.recent(1)).singleElement().returns(1, BackfillJobs.Job::typeIndex)
        .returns("2026-01-01T00:00:00Z", BackfillJobs.Job::cursor).returns(250L, BackfillJobs.Job::done);
    assertThatThrownBy(() -> target.database().transaction(connection -> {
      BackfillJobs.record(connection, new BackfillJobs.Step(id, "agent-b", 1, "2026-02-01T00:00:00Z", 300));
      return null;
    })).isInstanceOf(BackfillJobs.LostJob.class);
    assertThat(jobs.recent(1).get(0).done()).as("the lost page is not recorded").isEqualTo(250);
  }
}
