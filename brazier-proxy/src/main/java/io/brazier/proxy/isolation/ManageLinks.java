package io.brazier.proxy.isolation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Guard;
import io.brazier.proxy.access.Role;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The identity links API, for Administrators only, in JSON: {@code POST /manage/link} makes or replaces a link,
 * {@code DELETE /manage/link?issuer=&subject=} (or {@code clientId=}) removes one, {@code GET /manage/link?subject=}
 * (or {@code clientId=}, {@code resource=}) and {@code GET /manage/links} list them. A GET changes nothing; bad input
 * is a 400 OperationOutcome that stores nothing.
 */
public final class ManageLinks {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final Set<String> DELETE_PARAMS = Set.of("issuer", "subject", "clientId");
  private static final Set<String> FIND_PARAMS = Set.of("subject", "clientId", "resource");

  private final IdentityLinks links;
  private final Guard guard;
  private final Clock clock;

  public ManageLinks(IdentityLinks links, Guard guard, Clock clock) {
    this.links = links;
    this.guard = guard;
    this.clock = clock;
  }

  public void addRoutes(JavalinDefaultRoutingApi routes, Function<Context, String> baseUrl) {
    routes.post("/manage/link", administrator(baseUrl, this::post));
    routes.delete("/manage/link", administrator(baseUrl, this::delete));
    routes.get("/manage/link", administrator(baseUrl, this::find));
    routes.get("/manage/links", administrator(baseUrl, ctx -> json(ctx, 200, all(links.find(null, null, null)))));
  }

  private Handler administrator(Function<Context, String> baseUrl, Handler handler) {
    return ctx -> {
      try {
        guard.require(ctx.header("Authorization"), baseUrl.apply(ctx), Role.ADMINISTRATOR);
      } catch (FhirException e) {
        ctx.header("WWW-Authenticate", Guard.challenge(e, ctx.header("Authorization")));
        throw e;
      }
      handler.handle(ctx);
    };
  }

  private void post(Context ctx) {
    JsonNode body;
    try {
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw FhirException.badRequest("The body is not JSON: " + e.getMessage());
    }
    IdentityLink link = IdentityLink.parse(body, clock.instant());
    boolean created = links.save(link);
    json(ctx, created ? 201 : 200, link.toJson());
  }

  private void delete(Context ctx) {
    Map<String, List<String>> params = params(ctx, DELETE_PARAMS);
    String issuer = single(params, "issuer");
    if (issuer == null) {
      throw FhirException.badRequest("Name the link to delete with issuer and subject (or clientId).");
    }
    IdentityLink.Kind kind = kind(params);
    if (!links.delete(issuer, kind, single(params, kind.field()))) {
      throw new FhirException(404, IssueType.NOTFOUND, "There is no link of that " + kind.field() + " of " + issuer
          + ".");
    }
    ctx.status(204);
  }

  private void find(Context ctx) {
    Map<String, List<String>> params = params(ctx, FIND_PARAMS);
    if (params.size() != 1) {
      throw FhirException.badRequest("Find links by one of subject, clientId or resource.");
    }
    String resource = single(params, "resource");
    if (resource != null) {
      json(ctx, 200, all(links.find(null, null, IdentityLink.resource(resource))));
      return;
    }
    IdentityLink.Kind kind = kind(params);
    json(ctx, 200, all(links.find(kind, single(params, kind.field()), null)));
  }

  /** The query parameters, each one of {@code allowed}; a 400 for another. */
  private static Map<String, List<String>> params(Context ctx, Set<String> allowed) {
    Map<String, List<String>> params = ctx.queryParamMap();
    for (String name : params.keySet()) {
      if (!allowed.contains(name)) {
        throw FhirException.badRequest("Unknown parameter " + name + "; this takes " + String.join(", ",
            allowed.stream().sorted().toList()) + ".");
      }
    }
    return params;
  }

  /** Which of subject and clientId the parameters name: exactly one. */
  private static IdentityLink.Kind kind(Map<String, List<String>> params) {
    boolean subject = single(params, "subject") != null;
    if (subject == (single(params, "clientId") != null)) {
      throw FhirException.badRequest("Give either subject or clientId.");
    }
    return subject ? IdentityLink.Kind.SUBJECT : IdentityLink.Kind.CLIENT;
  }

  private static String single(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1 || values.get(0).isBlank()) {
      throw FhirException.badRequest(name + " is given once, not empty.");
    }
    return values.get(0);
  }

  private static List<Map<String, Object>> all(List<IdentityLink> found) {
    return found.stream().map(IdentityLink::toJson).toList();
  }

  private static void json(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Maps of strings are JSON", e);
    }
  }
}
