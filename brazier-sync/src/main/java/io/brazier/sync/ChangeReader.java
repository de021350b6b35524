package io.brazier.sync;

import io.brazier.sync.target.RelationalTarget;
import java.sql.SQLException;
import org.slf4j.Logger;

/** What hands changes to the workers while the agent is active: the change feed's reader, or the sync queue's. */
interface ChangeReader extends Runnable {

  /** Asks it to stop; the thread that runs it is interrupted and joined after. */
  void stop();

  /**
   * Where a reader starts: the workers' checkpoint, read from the target until it can be. Whatever failed, the read
   * is tried again with backoff, as the database may come back (or its operator mend it), rather than the reader
   * stop for good while the agent looks healthy. {@code log} says once when the reads begin to fail and once when
   * they work again; the health names the checkpoint once they have failed for {@code --sync-unhealthy-after}.
   *
   * @throws InterruptedException when the agent stops meanwhile
   */
  static long resume(RelationalTarget target, String source, int workers, SyncMetrics metrics, Logger log)
      throws InterruptedException {
    Outage outage = new Outage(log, "cannot read its checkpoint from the target", "reads its checkpoint again");
    while (true) {
      try {
        long position = target.resume(source, workers);
        outage.over();
        metrics.checkpointRead();
        return position;
      } catch (SQLException e) {
        String why = Failures.describe(e);
        metrics.checkpointFailed(why);
        Thread.sleep(Failures.backoff(outage.failed(why)).toMillis());
      }
    }
  }
}
