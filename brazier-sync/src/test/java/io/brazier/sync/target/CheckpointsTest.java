package io.brazier.sync.target;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.sync.TestTargets;
import org.junit.jupiter.api.Test;

/** Where each worker is in a feed, on a real PostgreSQL: resumption after a crash starts where nothing is missed. */
class CheckpointsTest extends OnTargetDatabase {
  @Test
  void aFeedNeverReadBeforeStartsAtZeroForEveryWorker() throws Exception {
    long position = Checkpoints.resume(database, "fhir", 3);

    assertThat(position).isZero();
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_checkpoint WHERE seq = 0")).isEqualTo(3);
  }

  @Test
  void aWorkersPositionOnlyMovesForwardSoALateCommitCannotUndoALaterOne() throws Exception {
    record(0, 40);

    record(0, 30);

    assertThat(seq(0)).isEqualTo(40);
  }

  @Test
  void aResumptionStartsFromTheWorkerThatIsFurthestBehindSoNoChangeIsSkipped() throws Exception {
    Checkpoints.resume(database, "fhir", 3);
    record(0, 120);
    record(1, 75);
    record(2, 300);

    long position = Checkpoints.resume(database, "fhir", 3);

    assertThat(position).isEqualTo(75);
    assertThat(seq(0)).isEqualTo(75);
    assertThat(seq(2)).isEqualTo(75);
  }

  @Test
  void aResumptionWithMoreOrFewerWorkersGivesEachOfThemThatPosition() throws Exception {
    Checkpoints.resume(database, "fhir", 4);
    for (int worker = 0; worker < 4; worker++) {
      record(worker, 10L * (worker + 1));
    }

    long fewer = Checkpoints.resume(database, "fhir", 2);
    long more = Checkpoints.resume(database, "fhir", 6);

    assertThat(fewer).isEqualTo(10);
    assertThat(more).isEqualTo(10);
    assertThat(TestTargets.number(config, "SELECT count(*) FROM sync_checkpoint WHERE seq = 10")).isEqualTo(6);
  }

  @Test
  void eachSourceKeepsItsOwnPositions() throws Exception {
    Checkpoints.resume(database, "fhir", 1);
    Checkpoints.resume(database, "dataverse", 1);
    record(0, 500);
    database.transaction(connection -> {
      Checkpoints.record(connection, new Batch.Checkpoint("dataverse", 0, 7));
      return null;
    });

    assertThat(Checkpoints.resume(database, "fhir", 1)).isEqualTo(500);
    assertThat(Checkpoints.resume(database, "dataverse", 1)).isEqualTo(7);
  }

  @Test
  void aRestartSetsEveryWorkerOfTheSourceToThePositionEvenBackwards() throws Exception {
    Checkpoints.resume(database, "fhir", 2);
    record(0, 900);
    record(1, 950);

    Checkpoints.restart(database, "fhir", 100);

    assertThat(Checkpoints.resume(database, "fhir", 2)).isEqualTo(100);
  }

  private void record(int worker, long sequence) throws Exception {
    database.transaction(connection -> {
      Checkpoints.record(connection, new Batch.Checkpoint("fhir", worker, sequence));
      return null;
    });
  }

  private long seq(int worker) {
    return TestTargets.number(config, "SELECT seq FROM sync_checkpoint WHERE source = 'fhir' AND worker = ?", worker);
  }
}
