package io.brazier.app;

import io.brazier.store.DatabaseConfig;
import io.brazier.store.sql.Database;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The database of a start, opening (PostgreSQL started, the schema checked) on a thread of its own while the rest of
 * the start goes on. Closing it closes the database once it has opened, waiting for that: a start that fails
 * elsewhere, even while PostgreSQL is still starting, leaves no embedded PostgreSQL running.
 */
final class OpeningDatabase implements AutoCloseable {
  private final CompletableFuture<Database> opening;

  private OpeningDatabase(CompletableFuture<Database> opening) {
    this.opening = opening;
  }

  /**
   * Begins to open the database on a thread of its own: the common pool has a single thread on two cores, where it
   * would wait for the other parts of the start.
   */
  static OpeningDatabase begin(DatabaseConfig config) {
    CompletableFuture<Database> opening = new CompletableFuture<>();
    new Thread(() -> {
      try {
        opening.complete(Database.open(config));
      } catch (Throwable e) {
        opening.completeExceptionally(e);
      }
    }, "brazier-start-database").start();
    return new OpeningDatabase(opening);
  }

  /** The database, once open; its failure to open, as it was thrown. */
  Database await() {
    try {
      return opening.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** Closes the database once it has opened; nothing to do when it could not open. */
  @Override
  public void close() {
    opening.handle((database, failure) -> {
      if (database != null) {
        database.close();
      }
      return null;
    }).join();
  }
}
