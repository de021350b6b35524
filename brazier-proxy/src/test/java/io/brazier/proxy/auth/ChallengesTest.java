package io.brazier.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bearer challenges (RFC 6750) whose description, which may quote a token's claims, stays one quoted string. */
class ChallengesTest {

  @Test
  void aChallengeNamesTheRealmTheErrorAndWhy() {
    assertThat(Challenges.bearer("invalid_token", "The token expired."))
        .isEqualTo("Bearer realm=\"brazier\", error=\"invalid_token\", error_description=\"The token expired.\"");
  }

  @Test
  void aRequestWithoutABearerTokenGetsNoErrorCodeAndARefusedTokenItsError() {
    String noError = "Bearer realm=\"brazier\"";

    assertThat(Challenges.refusal(null, 401, "No token.")).isEqualTo(noError);
    assertThat(Challenges.refusal("Basic dXNlcjpwYXNz", 401, "Not a bearer token.")).isEqualTo(noError);
    assertThat(Challenges.refusal("bearer x.y.z", 401, "Expired.")).isEqualTo(Challenges.bearer("invalid_token",
        "Expired."));
    assertThat(Challenges.refusal("Bearer x.y.z", 403, "No right.")).isEqualTo(Challenges.bearer(
        "insufficient_scope", "No right."));
  }

  @Test
  void quotesBackslashesLineBreaksAndNonAsciiCannotLeaveTheQuotedString() {
    String challenge = Challenges.bearer("invalid_token", "iss \"x\\\"\r\nSet-Cookie: a=b\u00e9\u0000");

    assertThat(challenge).isEqualTo("Bearer realm=\"brazier\", error=\"invalid_token\", error_description=\"iss 'x''''"
        + "Set-Cookie: a=b''\"");
  }

  @Test
  void withoutADescriptionThereIsNone() {
    assertThat(Challenges.bearer("insufficient_scope", null)).doesNotContain("error_description");
    assertThat(Challenges.bearer("insufficient_scope", " ")).doesNotContain("error_description");
  }
}
