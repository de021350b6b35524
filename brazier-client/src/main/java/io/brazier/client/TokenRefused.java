package io.brazier.client;

import java.io.IOException;

/**
 * The token endpoint refused the client's credentials (a 4xx such as {@code invalid_client}): asking again will not
 * pass, unlike a network failure or a 5xx, so callers that try again should stop and say so.
 */
public final class TokenRefused extends IOException {
  public TokenRefused(String message) {
    super(message);
  }
}
