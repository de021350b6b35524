package io.brazier.store.sql;

import io.brazier.store.ImportBatch;
import io.brazier.store.ImportBatch.Deferred;
import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A batch of an import encoded for staging: its lines, deferred lines, identifiers, references and index rows as
 * COPY rows for the job's tables (index rows under their lines' numbers, or under the rids the lines took when they
 * go straight into the live tables, {@link DirectIndexes}). Encoding is most of what staging costs the JVM, so it is
 * done by the thread that read the batch, many batches at once; the one writer of the staging only sends the rows,
 * in the transaction that records the job's progress.
 */
final class ImportBatchRows implements Imports.Encoded {
  private final String job;
  private final List<CopyRows> rows = new ArrayList<>();
  private final List<Long> redone;
  private final List<Failure> failures;

  /** The rows of {@code batch}; {@code rids}, in line order, when its index rows go into the live tables. */
  ImportBatchRows(String job, ImportBatch batch, TypeKeys types, IndexWriter indexes, long[] rids) {
    this.job = job;
    this.redone = batch.redone();
    this.failures = batch.failures();
    String prefix = ImportStaging.prefix(job);
    rows.add(lines(prefix, batch, types, rids));
    rows.add(deferred(prefix, batch.deferred(), types));
    rows.add(identifiers(prefix, batch, types));
    rows.add(references(prefix, batch.lines(), types));
    // Into the staging tables keyed by line, or into the live tables keyed by the rids the lines will take.
    rows.addAll(rids == null
        ? indexes.encode(prefix, batch.lines(), batch.lines().stream().mapToLong(ImportLine::seq).toArray())
        : indexes.encode("", batch.lines(), rids));
  }

  /** Writes the batch in the caller's transaction. */
  void write(Connection connection) throws SQLException {
    if (!redone.isEmpty()) {
      PostgresImports.execute(connection, "DELETE FROM " + ImportStaging.prefix(job) + "deferred WHERE seq = ANY(?)",
          PostgresImports.array(connection, "int8", redone));
    }
    for (CopyRows table : rows) {
      table.copy(connection);
    }
    insertFailures(connection, job, failures);
  }

  private static CopyRows lines(String prefix, ImportBatch batch, TypeKeys types, long[] rids) {
    // Binary: the bodies, most of what a batch sends, travel as their bytes rather than as hex.
    CopyRows rows = CopyRows.binary(prefix + "line", "seq, batch, type, id, version, updated, updated_text, body,"
        + " stamp_at, rid");
    for (int i = 0; i < batch.lines().size(); i++) {
      ImportLine line = batch.lines().get(i);
      rows.row(line.seq(), batch.number(), types.key(line.type()), line.id(), line.version(), line.lastUpdated(),
          line.lastUpdatedText(), line.json(), line.stampAt(), rids == null ? null : rids[i]);
    }
    return rows;
  }

  private static CopyRows deferred(String prefix, List<Deferred> deferred, TypeKeys types) {
    CopyRows rows = CopyRows.binary(prefix + "deferred", "seq, type, id, raw");
    deferred.forEach(line -> rows.row(line.seq(), types.key(line.type()), line.id(), line.raw()));
    return rows;
  }

  private static CopyRows identifiers(String prefix, ImportBatch batch, TypeKeys types) {
    CopyRows rows = new CopyRows(prefix + "identifier", "type, key, id");
    for (ImportLine line : batch.lines()) {
      line.identifiers().forEach(identifier -> rows.row(types.key(line.type()), identifier, line.id()));
    }
    for (Deferred line : batch.deferred()) {
      line.identifiers().forEach(identifier -> rows.row(types.key(line.type()), identifier, line.id()));
    }
    return rows;
  }

  private static CopyRows references(String prefix, List<ImportLine> lines, TypeKeys types) {
    CopyRows rows = new CopyRows(prefix + "reference", "seq, ttype, tid");
    for (ImportLine line : lines) {
      for (String reference : line.references()) {
        int slash = reference.indexOf('/');
        rows.row(line.seq(), types.key(reference.substring(0, slash)), reference.substring(slash + 1));
      }
    }
    return rows;
  }

  /** Records failed lines: they are few, and a line failed again (a batch read again) keeps its first outcome. */
  static void insertFailures(Connection connection, String job, List<Failure> failures) throws SQLException {
    if (failures.isEmpty()) {
      return;
    }
    Object[] seqs = new Object[failures.size()];
    byte[][] outcomes = new byte[failures.size()][];
    for (int i = 0; i < failures.size(); i++) {
      seqs[i] = failures.get(i).seq();
      outcomes[i] = failures.get(i).outcome();
    }
    String sql = "INSERT INTO import_error (job, seq, outcome) SELECT ?, * FROM unnest(?::int8[], ?::bytea[])"
        + " ON CONFLICT (job, seq) DO NOTHING";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setObject(1, UUID.fromString(job));
      statement.setArray(2, connection.createArrayOf("int8", seqs));
      statement.setObject(3, outcomes);
      statement.executeUpdate();
    }
  }
}
