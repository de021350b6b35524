package io.brazier.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brazier sync dlq list|replay}: the changes the running agent gave up on. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = "The dead-letter table: changes the agent gave up on after --sync-max-attempts, or that their map"
        + " cannot take.",
    subcommands = {SyncDeadLetters.ListLetters.class, SyncDeadLetters.Replay.class})
final class SyncDeadLetters implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code brazier sync dlq list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists dead letters in the order their changes came.")
  static final class ListLetters implements Callable<Integer> {
    @Mixin
    AgentOption agent;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return agent.ask(spec, client -> {
        JsonNode letters = client.get("sync/dead-letters?limit=" + limit);
        PrintWriter out = spec.commandLine().getOut();
        if (letters.isEmpty()) {
          out.println("No dead letters.");
        }
        for (JsonNode letter : letters) {
          out.printf("%d  seq %d  %s %s  attempts %d  %s%n    %s%n", letter.path("id").asLong(),
              letter.path("sequence").asLong(), letter.path("action").asText(), letter.path("resource").asText(),
              letter.path("attempts").asInt(), letter.path("failedAt").asText(), letter.path("error").asText());
        }
        return 0;
      });
    }
  }

  /** {@code brazier sync dlq replay}. */
  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = {"Applies dead letters again, from their resources as they are now, in the order their changes",
          "came (so each patient's stay in order); those that fail again stay. Exits 1 when any failed again."})
  static final class Replay implements Callable<Integer> {
    @Mixin
    AgentOption agent;

    @Option(names = "--id", description = "Only this dead letter (default: all of them).")
    Long id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      return agent.ask(spec, client -> {
        JsonNode result = client.post("sync/dead-letters/replay" + (id == null ? "" : "?id=" + id));
        int failed = result.path("failed").asInt();
        spec.commandLine().getOut().println("Replayed " + result.path("replayed").asInt() + "; " + failed
            + " failed again" + (failed > 0 ? " (see 'brazier sync dlq list')" : "") + ".");
        return failed == 0 ? 0 : 1;
      });
    }
  }
}
