package io.brazier.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code brazier sync backfill}: queues a back-fill in the running agent and follows it to its end. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
        "Syncs again what FHIR holds of the synced types.",
        "What existed before a map was enabled, or after a map changed, as a job of the running agent: resumable,",
        "while live changes keep flowing."})
final class SyncBackfill implements Callable<Integer> {

  @Mixin
  AgentOption agent;

  @Option(names = "--types", split = ",", paramLabel = "TYPE",
      description = "The resource types to back-fill, comma separated (default: every synced type).")
  List<String> types = List.of();

  @Option(names = "--no-wait", defaultValue = "false", description = "Queue the job and return at once.")
  boolean noWait;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    return agent.ask(spec, client -> {
      String query = types.isEmpty() ? "" : "?types=" + URLEncoder.encode(String.join(",", types),
          StandardCharsets.UTF_8);
      String job = client.post("sync/backfill" + query).path("job").asText();
      spec.commandLine().getOut().println("Back-fill " + job + " queued");
      return noWait ? 0 : follow(client, job);
    });
  }

  private int follow(AgentClient client, String job) throws AgentClient.Refused, InterruptedException {
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("Back-fill").setStyle(ProgressBarStyle.ASCII)
        .setUnit(" resources", 1).setInitialMax(0).build()) {
      while (true) {
        JsonNode backfill = client.get("sync/backfill/" + job);
        bar.maxHint(Math.max(backfill.path("total").asLong(), backfill.path("done").asLong()));
        bar.stepTo(backfill.path("done").asLong());
        switch (backfill.path("status").asText()) {
          case "done" -> {
            return 0;
          }
          case "failed" -> {
            spec.commandLine().getErr().println("Back-fill " + job + " failed: " + backfill.path("error").asText());
            return 1;
          }
          default -> Thread.sleep(1_000);
        }
      }
    }
  }
}
