package io.brazier.app;

import java.net.URI;
import picocli.CommandLine.Option;

/** Where the subcommands of {@code brazier sync} find the running agent. */
final class AgentOption {

  @Option(names = {"--agent", "--sync-agent"}, paramLabel = "URL", defaultValue = "http://127.0.0.1:8083/",
      description = "The running agent's endpoint (default: ${DEFAULT-VALUE}, as --sync-port sets it).")
  URI agent;

  AgentClient client() {
    String url = agent.toString();
    return new AgentClient(URI.create(url.endsWith("/") ? url : url + "/"));
  }
}
