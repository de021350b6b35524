package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.brazier.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** {@code brazier export all}: the [--since, --till) window over a real server, and the flags users get wrong. */
class ExportAllCommandTest {
  private static final TestServer server = TestServer.shared();
  private final String tag = "export-all-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir
  Path out;

  @Test
  void sinceIsInclusiveAndTillExclusiveSoTwoWindowsSplitTheResourcesWithoutOverlap() throws Exception {
    Instant first = created("first");
    Instant second = created("second");
    created("third");

    Cli before = export("--since", first.toString(), "--till", second.toString(), "--out", out.resolve("a"));
    Cli after = export("--since", second.toString(), "--parallel", "3", "--out", out.resolve("b"));

    assertThat(before.code()).as(before.err()).isZero();
    assertThat(after.code()).as(after.err()).isZero();
    assertThat(mine(out.resolve("a"))).containsExactly("first");
    assertThat(mine(out.resolve("b"))).containsExactlyInAnyOrder("second", "third");
  }

  @Test
  void anInstantTakesAnOffsetAndADateIsItsStartInUtc() {
    ExportAllCommand.InstantConverter converter = new ExportAllCommand.InstantConverter();

    assertThat(converter.convert("2024-05-01T14:00:00+02:00")).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
    assertThat(converter.convert("2024-05-01T12:00:00.250Z")).isEqualTo(Instant.parse("2024-05-01T12:00:00.250Z"));
    assertThat(converter.convert("2024-05-01")).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
    assertThatThrownBy(() -> converter.convert("2024-05-01T12:00")).isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'2024-05-01T12:00' is not an instant such as 2024-05-01T12:00:00Z");
  }

  @Test
  void badFlagsExitTwoNamingTheFlagToFixAndWriteNothing() throws Exception {
    Cli.run("export", "all", "--out", out.toString()).refused("Missing required option: '--type=TYPE'");
    export("--parallel", "0", "--out", out).refused("--parallel must be between 1 and 100, not 0");
    export("--parallel", "101", "--out", out).refused("--parallel must be between 1 and 100, not 101");
    export("--page-size", "0", "--out", out).refused("--page-size must be at least 1, not 0");
    export("--since", "2024-05-02", "--till", "2024-05-01", "--out", out).refused("--since must be before --till");
    export("--since", "2024-05-01", "--till", "2024-05-01", "--out", out).refused("--since must be before --till");
    export("--parallel", "2", "--search-interval", "0", "--out", out).refused("--search-interval must be positive");
    Cli.run("export", "all", "--fhir", server.baseUrl(), "--type", "Basic?code=x", "--out", out.toString())
        .refused("--type takes a resource type such as Observation");

    try (var written = Files.list(out)) {
      assertThat(written).isEmpty();
    }
  }

  /** Creates a Basic of this test's code, and answers when the server stored it. */
  private Instant created(String name) {
    Basic basic = new Basic().setCode(new CodeableConcept().setText(tag));
    basic.addIdentifier().setSystem("urn:brazier:export-all").setValue(name);
    String id = server.client().create().resource(basic).execute().getId().getIdPart();
    return server.client().read().resource(Basic.class).withId(id).execute().getMeta().getLastUpdated().toInstant();
  }

  private Cli export(Object... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("export", "all", "--fhir", server.baseUrl(), "--type",
        "Basic"));
    for (Object flag : flags) {
      args.add(flag.toString());
    }
    return Cli.run(args.toArray(String[]::new));
  }

  /** The names of this test's resources in an export folder. */
  private List<String> mine(Path folder) throws Exception {
    Path file = folder.resolve("Basic-1.ndjson");
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream().filter(line -> line.contains(tag))
        .map(line -> line.replaceAll(".*\"value\":\"([a-z]+)\".*", "$1")).toList();
  }
}
