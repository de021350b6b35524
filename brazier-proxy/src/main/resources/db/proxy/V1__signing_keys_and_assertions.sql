-- The built-in token server's state, shared by every node: its signing keys and the client assertions used.

-- Signing keys, rotated: a new key is published a while before it signs (active_from), so that every node and
-- every resource server caching the JWKS knows it before the first token it signs arrives.
CREATE TABLE signing_key (
  kid text PRIMARY KEY,
  jwk text NOT NULL,            -- the RSA key pair as a JWK (JSON), private part included
  active_from timestamptz NOT NULL,
  created timestamptz NOT NULL DEFAULT now()
);

-- The jti of every client assertion (private_key_jwt) accepted, until it expires: an assertion is used once.
CREATE TABLE used_assertion (
  client_id text NOT NULL,
  jti text NOT NULL,
  expires timestamptz NOT NULL,
  PRIMARY KEY (client_id, jti)
);
CREATE INDEX used_assertion_expires ON used_assertion (expires);
