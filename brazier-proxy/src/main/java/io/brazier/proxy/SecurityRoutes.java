package io.brazier.proxy;

import io.brazier.fhir.FhirException;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.isolation.ManageLinks;
import io.brazier.proxy.token.TokenServer;
import io.brazier.server.FhirServer;
import io.brazier.server.HttpExtension;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.util.function.Function;

/**
 * The routes security adds beside the FHIR API: the token endpoint in both forms, its keys, and the SMART
 * configuration, all open (a client has no token yet when it calls them); token introspection and the identity links
 * API ({@code /manage}), for Administrators. {@code /metrics} needs an Administrator.
 */
final class SecurityRoutes implements HttpExtension {
  private final TokenServer tokens;
  private final ManageLinks links;
  private final Guard guard;

  SecurityRoutes(TokenServer tokens, ManageLinks links, Guard guard) {
    this.tokens = tokens;
    this.links = links;
    this.guard = guard;
  }

  @Override
  public void addRoutes(JavalinDefaultRoutingApi routes, Function<Context, String> baseUrl) {
    routes.post("/oauth2/token", ctx -> tokens.token(ctx, baseUrl.apply(ctx), false));
    routes.post("/{tenant}/oauth2/token", ctx -> tokens.token(ctx, baseUrl.apply(ctx), true));
    routes.post("/oauth2/introspect", ctx -> tokens.introspect(ctx, baseUrl.apply(ctx)));
    routes.get("/oauth2/jwks", tokens::jwks);
    routes.get(FhirServer.BASE + "/.well-known/smart-configuration",
        ctx -> tokens.smartConfiguration(ctx, baseUrl.apply(ctx)));
    links.addRoutes(routes, baseUrl);
  }

  @Override
  public void checkOperator(Context ctx, String baseUrl) {
    try {
      guard.require(ctx.header("Authorization"), baseUrl, Role.ADMINISTRATOR);
    } catch (FhirException e) {
      ctx.header("WWW-Authenticate", Guard.challenge(e, ctx.header("Authorization")));
      throw e;
    }
  }
}
