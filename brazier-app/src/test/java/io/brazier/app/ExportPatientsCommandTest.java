package io.brazier.app;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.brazier.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code brazier export patients}: patients by a Group or a query's field, their includes, and bad flags. */
class ExportPatientsCommandTest {
  private static final TestServer server = TestServer.shared();
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  @TempDir
  Path out;

  /** Three patients of two observations each; the Group holds the first two. */
  @BeforeAll
  static void patients() {
    IGenericClient client = server.client();
    Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
    for (int p = 0; p < 3; p++) {
      client.update().resource(new Patient().setActive(true).setId(patient(p))).execute();
      for (int o = 0; o < 2; o++) {
        client.update().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
            .setCode(new CodeableConcept().setText("pulse"))
            .setSubject(new Reference("Patient/" + patient(p))).setId(patient(p) + "-obs-" + o)).execute();
      }
      if (p < 2) {
        group.addMember().setEntity(new Reference("Patient/" + patient(p)));
      }
    }
    client.update().resource(group.setId(RUN + "-group")).execute();
  }

  @Test
  void aGroupsMembersAreExportedWithTheirIncludesAndAResourceTwoIncludesReachIsWrittenOnce() throws Exception {
    Cli run = Cli.run("export", "patients", "--fhir", server.baseUrl(), "--group", RUN + "-group", "--batch-size",
        "1", "--include", "Patient?_id=$IDS", "--include", "Observation?subject=$IDS", "--include",
        "Observation?patient=$IDS", "--out", out.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(ids("Patient")).containsExactlyInAnyOrder(patient(0), patient(1));
    assertThat(ids("Observation")).containsExactlyInAnyOrder(patient(0) + "-obs-0", patient(0) + "-obs-1",
        patient(1) + "-obs-0", patient(1) + "-obs-1");
  }

  @Test
  void aQueryOfAnotherTypeGivesItsPatientsByTheFieldNamed() throws Exception {
    Cli run = Cli.run("export", "patients", "--fhir", server.baseUrl(), "--query",
        "Observation?_id=" + patient(2) + "-obs-0", "--patient-field", "subject", "--include", "Patient?_id=$IDS",
        "--out", out.toString());

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(ids("Patient")).containsExactly(patient(2));
  }

  @Test
  void badFlagsExitTwoNamingTheFlagToFixAndWriteNothing() throws Exception {
    patients("--query", "Patient", "--out", out.toString()).refused("Give at least one --include");
    patients("--include", "Patient?_id=$IDS", "--out", out.toString())
        .refused("Give the patients by --query SEARCH or by --group ID");
    patients("--group", "../secrets", "--include", "Patient?_id=$IDS", "--out", out.toString())
        .refused("--group takes a Group's id, not ../secrets");
    patients("--query", "Patient", "--patient-field", "the patient", "--include", "Patient?_id=$IDS", "--out",
        out.toString()).refused("--patient-field must be id or the field that refers to the patient");
    patients("--query", "Patient", "--batch-size", "0", "--include", "Patient?_id=$IDS", "--out", out.toString())
        .refused("--batch-size must be at least 1, not 0");
    patients("--query", "Patient", "--max-url", "100", "--include", "Patient?_id=$IDS", "--out", out.toString())
        .refused("--max-url must be at least 256, not 100");

    try (var written = Files.list(out)) {
      assertThat(written).isEmpty();
    }
  }

  private static String patient(int p) {
    return "export-patients-" + RUN + "-" + p;
  }

  private static Cli patients(String... flags) {
    List<String> args = new ArrayList<>(List.of("export", "patients", "--fhir", server.baseUrl()));
    args.addAll(List.of(flags));
    return Cli.run(args.toArray(String[]::new));
  }

  /** The ids in the export's file of {@code type}, one per line as written. */
  private List<String> ids(String type) throws Exception {
    Path file = out.resolve(type + "-1.ndjson");
    return Files.readAllLines(file).stream().filter(line -> !line.isBlank())
        .map(line -> line.replaceAll("^.*?\"id\":\"([^\"]+)\".*$", "$1")).toList();
  }
}
