package io.brazier.server.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's request, cursor and result as JSON, read back by any node: older ones included. */
class JobJsonTest {
  record Cursor(String type, long after, List<String> files, String since) {}

  @Test
  void aRecordReadsBackAsItWasWritten() {
    Cursor cursor = new Cursor("Patient", 42, List.of("a.ndjson", "b.ndjson"), "2024-05-01T10:00:00Z");

    String json = JobJson.write(cursor);

    assertThat(JobJson.read(json, Cursor.class)).isEqualTo(cursor);
    assertThat(JobJson.read(json.getBytes(StandardCharsets.UTF_8), Cursor.class)).isEqualTo(cursor);
  }

  @Test
  void aFieldOfANewerNodeIsSkippedAndAMissingOneIsEmpty() {
    String newer = "{\"type\":\"Patient\",\"after\":7,\"files\":[],\"shard\":3}";

    Cursor read = JobJson.read(newer, Cursor.class);

    assertThat(read.type()).isEqualTo("Patient");
    assertThat(read.after()).isEqualTo(7);
    assertThat(read.since()).isNull();
  }

  @Test
  void textThatIsNotTheRecordSaysWhichRecordWasExpected() {
    assertThatThrownBy(() -> JobJson.read("{\"after\":\"many\"}", Cursor.class))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Cursor");
    assertThatThrownBy(() -> JobJson.read("not json".getBytes(StandardCharsets.UTF_8), Cursor.class))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("Cursor");
  }
}
