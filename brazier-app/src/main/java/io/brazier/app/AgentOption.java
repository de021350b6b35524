package io.brazier.app;

import java.net.URI;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the subcommands of {@code brazier sync} find the running agent. */
final class AgentOption {

  @Option(names = {"--agent", "--sync-agent"}, paramLabel = "URL", defaultValue = "http://127.0.0.1:8083/",
      description = "The running agent's endpoint (default: ${DEFAULT-VALUE}, as --sync-port sets it).")
  URI agent;

  /** What a command asks the running agent and says of its answer, returning its exit code. */
  interface Call {
    int with(AgentClient client) throws AgentClient.Refused, InterruptedException;
  }

  /** Asks the agent; a refusal is said on the error stream after the command's name, and exits 1. */
  int ask(CommandSpec spec, Call call) throws InterruptedException {
    try {
      return call.with(client());
    } catch (AgentClient.Refused e) {
      spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
      return 1;
    }
  }

  AgentClient client() {
    String url = agent.toString();
    return new AgentClient(URI.create(url.endsWith("/") ? url : url + "/"));
  }
}
