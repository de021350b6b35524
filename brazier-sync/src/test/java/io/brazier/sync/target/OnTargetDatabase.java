package io.brazier.sync.target;

import io.brazier.sync.TargetConfig;
import io.brazier.sync.TestTargets;
import org.junit.jupiter.api.AfterEach;

/**
 * A test on the target database of a real PostgreSQL (a second embedded instance), in a schema of its own per test,
 * closed after each.
 */
abstract class OnTargetDatabase {
  final TargetConfig config = TestTargets.inOtherDatabase();
  final TargetDatabase database = TargetDatabase.open(config);

  @AfterEach
  void closeDatabase() {
    database.close();
  }
}
