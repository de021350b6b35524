package io.brazier.proxy.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brazier.client.Jackson;
import io.brazier.proxy.ClientRegistration;
import io.brazier.proxy.auth.TokenUrls;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint: {@code POST /oauth2/token} with {@code grant_type=client_credentials}, the client proven by
 * its secret (HTTP basic or form) or by a signed assertion ({@code private_key_jwt}); and the Azure AD v1 form,
 * {@code POST /[tenant]/oauth2/token} with {@code client_id}, {@code client_secret} and {@code resource}, which
 * ignores any Authorization header (the MC4H training's collection sends a stale one). Answers a bearer token as
 * JSON, or an OAuth 2.0 error. No refresh tokens: a client asks again. https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
final class TokenEndpoint {
  private static final Logger log = LoggerFactory.getLogger(TokenEndpoint.class);
  private static final ObjectMapper JSON = Jackson.MAPPER;
  private static final String FORM = "application/x-www-form-urlencoded";

  private final RegisteredClients clients;
  private final ClientAssertions assertions;
  private final AccessTokens tokens;
  private final List<String> audiences;

  TokenEndpoint(RegisteredClients clients, ClientAssertions assertions, AccessTokens tokens, List<String> audiences) {
    this.clients = clients;
    this.assertions = assertions;
    this.tokens = tokens;
    this.audiences = audiences.stream().map(TokenUrls::normalize).toList();
  }

  /** Answers a token request; {@code azureForm} for the Azure AD v1 route. */
  void handle(Context ctx, String baseUrl, boolean azureForm) {
    ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
    try {
      Map<String, String> form = form(ctx);
      if (form.get("grant_type") == null) {
        throw OAuthError.invalidRequest("grant_type is missing: this server grants client_credentials.");
      }
      if (!form.get("grant_type").equals("client_credentials")) {
        throw OAuthError.unsupportedGrantType("This server grants client_credentials, not " + form.get("grant_type")
            + ".");
      }
      String basic = azureForm ? null : basic(ctx.header("Authorization"));
      // An assertion is for the token endpoint the client was told of, or the one it called.
      Set<String> tokenUrls = new HashSet<>(List.of(TokenUrls.token(baseUrl), TokenUrls.root(baseUrl) + ctx.path()));
      ClientRegistration client = authenticate(form, basic, tokenUrls);
      String audience = audience(form, baseUrl);
      List<String> scopes = GrantedScopes.of(form.get("scope"), client.scopes());
      String token = tokens.issue(TokenUrls.issuer(baseUrl), audience, client, scopes);
      log.info("Token issued client={} roles={} scopes={}", client.id(), client.roles(), scopes);
      answer(ctx, 200, token(token, scopes));
    } catch (OAuthError e) {
      log.debug("Token refused error={}: {}", e.error(), e.getMessage());
      if (e.status() == 401 && !azureForm && basic(ctx.header("Authorization")) != null) {
        ctx.header("WWW-Authenticate", "Basic realm=\"brazier\"");
      }
      answer(ctx, e.status(), Map.of("error", e.error(), "error_description", e.getMessage()));
    }
  }

  private static Map<String, String> form(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith(FORM)) {
      throw OAuthError.invalidRequest("A token request is a form: Content-Type " + FORM + ".");
    }
    Map<String, String> form = new HashMap<>();
    for (Map.Entry<String, List<String>> parameter : ctx.formParamMap().entrySet()) {
      if (parameter.getValue().size() > 1) {
        throw OAuthError.invalidRequest(parameter.getKey() + " is sent more than once.");
      }
      form.put(parameter.getKey(), parameter.getValue().get(0));
    }
    return form;
  }

  /** The HTTP basic credentials, still encoded; null without them. */
  private static String basic(String authorization) {
    return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
        ? authorization.substring(6).trim() : null;
  }

  private ClientRegistration authenticate(Map<String, String> form, String basic, Set<String> tokenUrls) {
    String assertion = form.get("client_assertion");
    String secret = form.get("client_secret");
    if (assertion != null || form.get("client_assertion_type") != null) {
      if (!ClientAssertions.TYPE.equals(form.get("client_assertion_type")) || assertion == null) {
        throw OAuthError.invalidRequest("A client assertion comes with client_assertion_type "
            + ClientAssertions.TYPE + ".");
      }
      if (basic != null || secret != null) {
        throw OAuthError.invalidRequest("The client authenticates in more than one way; use one.");
      }
      return assertions.authenticate(assertion, form.get("client_id"), tokenUrls);
    }
    if (basic != null) {
      if (secret != null) {
        throw OAuthError.invalidRequest("The client authenticates in more than one way; use one.");
      }
      String[] idAndSecret = decodeBasic(basic);
      if (form.get("client_id") != null && !form.get("client_id").equals(idAndSecret[0])) {
        throw OAuthError.invalidRequest("client_id names another client than the Authorization header.");
      }
      return bySecret(idAndSecret[0], idAndSecret[1]);
    }
    if (form.get("client_id") != null && secret != null) {
      return bySecret(form.get("client_id"), secret);
    }
    throw OAuthError.invalidClient("The request does not prove which client sends it: send client_id and"
        + " client_secret, HTTP basic, or a client assertion.");
  }

  /** RFC 6749 section 2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
  private static String[] decodeBasic(String basic) {
    try {
      String decoded = new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw OAuthError.invalidClient("The basic credentials are not client_id:client_secret.");
      }
      return new String[] {urlDecode(decoded.substring(0, colon)), urlDecode(decoded.substring(colon + 1))};
    } catch (IllegalArgumentException e) {
      throw OAuthError.invalidClient("The basic credentials are not base64.");
    }
  }

  private static String urlDecode(String text) {
    return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private ClientRegistration bySecret(String id, String secret) {
    ClientRegistration client = clients.find(id).orElse(null);
    if (client == null || client.secretHash() == null) {
      SecretHash.spendTime(secret); // an unknown client answers no sooner than a wrong secret
      throw OAuthError.invalidClient("Unknown client or wrong secret.");
    }
    if (!SecretHash.matches(secret, client.secretHash())) {
      throw OAuthError.invalidClient("Unknown client or wrong secret.");
    }
    return client;
  }

  /**
   * The token's audience: {@code resource} (Azure AD v1, RFC 8707) or {@code aud} when the client names one, which
   * must be an audience this server accepts; else the first of them.
   */
  private String audience(Map<String, String> form, String baseUrl) {
    List<String> accepted = audiences.isEmpty() ? List.of(TokenUrls.normalize(baseUrl)) : audiences;
    String asked = form.get("resource") != null && !form.get("resource").isBlank() ? form.get("resource")
        : form.get("aud");
    if (asked == null || asked.isBlank()) {
      return accepted.get(0);
    }
    if (!accepted.contains(TokenUrls.normalize(asked))) {
      throw OAuthError.invalidTarget("Tokens for " + asked + " are not issued here; this server is " + accepted
          + ".");
    }
    return TokenUrls.normalize(asked);
  }

  private Map<String, Object> token(String token, List<String> scopes) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("access_token", token);
    answer.put("token_type", "Bearer");
    answer.put("expires_in", tokens.lifetime().toSeconds());
    // Required by SMART Backend Services, even empty: a client whose rights are its roles is granted no scope.
    answer.put("scope", String.join(" ", scopes));
    return answer;
  }

  private static void answer(Context ctx, int status, Map<String, ?> body) {
    try {
      ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A map of strings is JSON", e);
    }
  }
}
