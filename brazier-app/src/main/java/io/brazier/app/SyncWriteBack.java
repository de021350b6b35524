package io.brazier.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code brazier sync write-back list|retry|discard}: the target's changes that write-back left for the operator,
 * through the running agent.
 */
@Command(
    name = "write-back",
    mixinStandardHelpOptions = true,
    description = {"The target's row changes that write-back left for the operator.",
        "In sync_row_change, refused: FHIR or their map refused them (a required column left empty, an option value"
            + " the map does not know, a 400 or 422 from FHIR), or they failed --sync-max-attempts times. Fix the"
            + " cause, then retry them, or discard them (FHIR keeps what it has). /sync/status counts them"
            + " (writeBackLeft)."},
    subcommands = {SyncWriteBack.ListLeft.class, SyncWriteBack.Retry.class, SyncWriteBack.Discard.class})
final class SyncWriteBack implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code brazier sync write-back list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = {"Lists the rows whose changes are left, oldest first.",
          "Each with the id of the row's latest change (what --id takes), its operation, the table and row key, the"
              + " FHIR id, how many changes, attempts, when, and the error to fix. A row's changes are written back"
              + " together, and so are left, retried and discarded together."})
  static final class ListLeft implements Callable<Integer> {
    @Mixin
    AgentOption agent;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return agent.ask(spec, client -> {
        JsonNode changes = client.get("sync/write-back/left?limit=" + limit);
        PrintWriter out = spec.commandLine().getOut();
        if (changes.isEmpty()) {
          out.println("No changes left by write-back.");
        }
        for (JsonNode change : changes) {
          int count = change.path("changes").asInt();
          out.printf("%d  %s %s %s  %s  %s  attempts %d  %s%n    %s%n", change.path("id").asLong(),
              change.path("operation").asText(), change.path("table").asText(), change.path("rowKey").asText(),
              change.path("fhirId").isTextual() ? "FHIR id " + change.path("fhirId").asText() : "no FHIR id",
              count == 1 ? "1 change" : count + " changes", change.path("attempts").asInt(),
              change.path("changedAt").asText(), change.path("error").asText());
        }
        return 0;
      });
    }
  }

  /** Which changes: one by its id, or all of them; one of the two is required, so that none is acted on by mistake. */
  static final class Which {
    @Option(names = "--id", required = true, paramLabel = "ID",
        description = "Only the row of this change, by the id 'brazier sync write-back list' shows.")
    Long id;

    @Option(names = "--all", required = true, description = "Every row's changes left.")
    boolean all;

    String query() {
      return id != null ? "id=" + id : "all=true";
    }
  }

  /** What retry and discard share: the agent, which changes, and how the answer is said. */
  abstract static class Action implements Callable<Integer> {
    @Mixin
    AgentOption agent;

    @ArgGroup(multiplicity = "1")
    Which which;

    @Spec
    CommandSpec spec;

    /** The agent's route, and the field of its answer that counts the changes acted on. */
    abstract String route();

    abstract String counted();

    @Override
    public Integer call() throws InterruptedException {
      return agent.ask(spec, client -> {
        JsonNode result = client.post("sync/write-back/left/" + route() + "?" + which.query());
        int count = result.path(counted()).asInt();
        spec.commandLine().getOut().println(Character.toUpperCase(counted().charAt(0)) + counted().substring(1)
            + " " + count + (count == 1 ? " change." : " changes."));
        return 0;
      });
    }
  }

  /** {@code brazier sync write-back retry}. */
  @Command(name = "retry", mixinStandardHelpOptions = true,
      description = {"Gives changes left back to write-back, once what refused them is fixed.",
          "What refused them: the map, a FHIR profile, a resource they refer to. Their attempts are counted afresh;"
              + " what is refused again is left again (see 'brazier sync write-back list'), and a change whose"
              + " resource FHIR has changed since is a conflict, which --sync-conflicts settles."})
  static final class Retry extends Action {
    @Override
    String route() {
      return "retry";
    }

    @Override
    String counted() {
      return "retried";
    }
  }

  /** {@code brazier sync write-back discard}. */
  @Command(name = "discard", mixinStandardHelpOptions = true,
      description = {"Deletes changes left by write-back.",
          "FHIR keeps what it has, and the row keeps what the target wrote until FHIR's next change of its resource"
              + " is synced."})
  static final class Discard extends Action {
    @Override
    String route() {
      return "discard";
    }

    @Override
    String counted() {
      return "discarded";
    }
  }
}
