package io.brazier.server.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@code GET /healthz} of the server and the standalone proxy: {@code {"status":"UP"}}, or 503 and
 * {@code {"status":"DOWN","<name>":"<problem>"}} naming the first part of the process that has one (the database
 * unreachable, the events broker away too long), so that a load balancer or a probe takes the node out.
 */
public final class HealthChecks {
  private final List<Check> checks = new CopyOnWriteArrayList<>();

  /** A part of the process that /healthz asks: its problem, or null while it is fine. */
  private record Check(String name, Supplier<String> problem) {}

  /** Makes {@code /healthz} answer 503 while {@code problem} names one; asked in the order added. */
  public void add(String name, Supplier<String> problem) {
    checks.add(new Check(name, problem));
  }

  /** Answers {@code GET /healthz}. */
  public void answer(Context ctx) {
    ctx.contentType("application/json");
    for (Check check : checks) {
      String problem = check.problem().get();
      if (problem != null) {
        Map<String, String> down = new LinkedHashMap<>();
        down.put("status", "DOWN");
        down.put(check.name(), problem);
        ctx.status(503).json(down);
        return;
      }
    }
    ctx.status(200).result("{\"status\":\"UP\"}");
  }
}
