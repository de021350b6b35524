package io.brazier.proxy.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.fhir.FhirException;
import io.brazier.proxy.Guard;
import io.brazier.proxy.access.Role;
import io.brazier.proxy.auth.TokenVerifier;
import io.brazier.server.Caller;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Token introspection, {@code POST /oauth2/introspect} with the form parameter {@code token} (RFC 7662, as SMART
 * profiles it): what a token grants, for a resource server that does not check tokens itself. A token is active when
 * a request to the FHIR API with it would be accepted now, so the tokens of the built-in token server and of the
 * trusted issuers alike; any other is {@code {"active":false}}, saying nothing of why. SMART lets the endpoint ask
 * for "an appropriately-scoped" bearer token: here an Administrator's, since the answer tells what any token may
 * do. Refusals are OperationOutcomes, as at the other endpoints a bearer token guards.
 * https://hl7.org/fhir/smart-app-launch/token-introspection.html
 */
final class TokenIntrospection {
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String FORM = "application/x-www-form-urlencoded";

  private final Guard guard;
  private final TokenVerifier verifier;

  TokenIntrospection(Guard guard, TokenVerifier verifier) {
    this.guard = guard;
    this.verifier = verifier;
  }

  void handle(Context ctx, String baseUrl) {
    ctx.header("Cache-Control", "no-store");
    String authorization = ctx.header("Authorization");
    try {
      guard.require(authorization, baseUrl, Role.ADMINISTRATOR);
    } catch (FhirException e) {
      ctx.header("WWW-Authenticate", Guard.challenge(e, authorization));
      throw e;
    }
    Map<String, Object> answer = verifier.inspect(token(ctx), baseUrl)
        .map(TokenIntrospection::active).orElse(Map.of("active", false));
    try {
      ctx.contentType("application/json").result(JSON.writeValueAsBytes(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A map of strings and numbers is JSON", e);
    }
  }

  private static String token(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      throw FhirException.badRequest("An introspection request is a form: Content-Type " + FORM + ", the token in"
          + " the parameter 'token'.");
    }
    List<String> tokens = ctx.formParams("token");
    if (tokens.size() != 1 || tokens.get(0).isBlank()) {
      throw FhirException.badRequest("Send the token to introspect once, in the form parameter 'token'.");
    }
    return tokens.get(0).trim();
  }

  /** The fields SMART requires (scope, client_id, exp), the launch context and who the token speaks for. */
  private static Map<String, Object> active(TokenVerifier.Accepted token) {
    Caller caller = token.caller();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("active", true);
    answer.put("scope", String.join(" ", caller.scopes().stream().sorted().toList())); // one order, every time
    putIfKnown(answer, "client_id", caller.clientId());
    answer.put("exp", token.expires().getEpochSecond());
    answer.put("token_type", "Bearer");
    putIfKnown(answer, "iss", caller.issuer());
    putIfKnown(answer, "sub", caller.subject());
    putIfKnown(answer, "patient", caller.patient());
    putIfKnown(answer, "fhirUser", caller.fhirUser());
    return answer;
  }

  private static void putIfKnown(Map<String, Object> answer, String name, String value) {
    if (value != null) {
      answer.put(name, value);
    }
  }
}
