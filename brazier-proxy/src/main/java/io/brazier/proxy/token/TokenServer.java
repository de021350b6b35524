package io.brazier.proxy.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.util.ResourceRetriever;
import io.brazier.client.Jackson;
import io.brazier.proxy.ClientsFile;
import io.brazier.proxy.Guard;
import io.brazier.proxy.auth.LaunchEndpoints;
import io.brazier.proxy.auth.TokenVerifier;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The built-in token server's HTTP answers: the token endpoint, its keys ({@code /oauth2/jwks}), token
 * introspection and the SMART configuration. Its state is shared by every node: clients in the clients file (each node reads its own copy),
 * signing keys and used client assertions in the database.
 */
public final class TokenServer {
  private static final ObjectMapper JSON = Jackson.MAPPER;

  private final TokenEndpoint endpoint;
  private final TokenIntrospection introspection;
  private final SigningKeys keys;
  private final Supplier<Optional<LaunchEndpoints>> launch;

  /**
   * @param audiences the audiences tokens may be for; empty for the FHIR base URL
   * @param http fetches the JWKS of clients that registered a URL
   * @param launch where apps sign users in, when an outside issuer does it: the SMART configuration names it
   * @param verifier what introspection asks whether a token is accepted; {@code guard} who may ask
   */
  public TokenServer(ClientsFile clients, DataSource database, SigningKeys keys, List<String> audiences,
      Duration lifetime, Clock clock, ResourceRetriever http, Supplier<Optional<LaunchEndpoints>> launch,
      TokenVerifier verifier, Guard guard) {
    RegisteredClients registered = new RegisteredClients(clients, clock);
    ClientAssertions assertions = new ClientAssertions(registered, new ClientKeys(http, clock),
        new AssertionLedger(database, clock), clock);
    this.endpoint = new TokenEndpoint(registered, assertions, new AccessTokens(keys, clock, lifetime), audiences);
    this.introspection = new TokenIntrospection(guard, verifier);
    this.keys = keys;
    this.launch = launch;
  }

  /** {@code POST /oauth2/token}, or the Azure AD v1 form {@code POST /[tenant]/oauth2/token}. */
  public void token(Context ctx, String baseUrl, boolean azureForm) {
    endpoint.handle(ctx, baseUrl, azureForm);
  }

  /** {@code POST /oauth2/introspect}: what a token grants, for an Administrator. */
  public void introspect(Context ctx, String baseUrl) {
    introspection.handle(ctx, baseUrl);
  }

  /** {@code GET /oauth2/jwks}: the public keys tokens are signed with, the coming one included. */
  public void jwks(Context ctx) {
    ctx.header("Cache-Control", "max-age=60").contentType("application/json")
        .result(keys.published().toString(true));
  }

  /** {@code GET [base]/.well-known/smart-configuration}: JSON, whatever the client accepts. */
  public void smartConfiguration(Context ctx, String baseUrl) {
    try {
      ctx.contentType("application/json")
          .result(JSON.writeValueAsBytes(SmartConfiguration.of(baseUrl, launch.get())));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A map of strings is JSON", e);
    }
  }
}
