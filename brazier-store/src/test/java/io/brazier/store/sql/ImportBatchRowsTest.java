package io.brazier.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.brazier.store.ImportBatch.Failure;
import io.brazier.store.ImportLine;
import io.brazier.store.Imports;
import io.brazier.store.TestStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The failed lines of a batch, recorded with the job (logged) as the batch is staged. */
class ImportBatchRowsTest {
  private final TestStore test = TestStore.shared();
  private final Imports imports = test.store().imports();
  private final String job = test.store().jobs().submit("import-rows", "{}", null);

  @Test
  void aLineFailedAgainWhenItsBatchIsReadAgainKeepsItsFirstOutcomeAndIsCountedOnce() throws Exception {
    long seq = ImportLine.seq(0, 3);
    try (Connection connection = test.database().dataSource().getConnection()) {
      ImportBatchRows.insertFailures(connection, job, List.of(new Failure(seq, bytes("first"))));

      ImportBatchRows.insertFailures(connection, job, List.of(new Failure(seq, bytes("again")),
          new Failure(ImportLine.seq(0, 1), bytes("other"))));
    }

    assertThat(failures(0)).isEqualTo("other\nfirst\n");
    assertThat(imports.failed(job)).containsEntry(0, 2L);
  }

  private String failures(int input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    imports.writeFailures(job, input, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
