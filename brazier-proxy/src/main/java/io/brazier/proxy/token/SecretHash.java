package io.brazier.proxy.token;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A client secret as the clients file keeps it: never the secret, a slow salted hash of it (the JDK's PBKDF2 with
 * HMAC-SHA512, 210,000 iterations as OWASP advises), written {@code pbkdf2-sha512$iterations$salt$hash}.
 */
public final class SecretHash {
  static final int ITERATIONS = 210_000;
  private static final String PREFIX = "pbkdf2-sha512";
  private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 512;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Verified against when a client is unknown, so that an unknown client takes as long as a wrong secret. */
  private static final String DECOY = of("decoy", ITERATIONS);

  private SecretHash() {}

  /** The hash of {@code secret}, with a fresh salt. */
  public static String of(String secret) {
    return of(secret, ITERATIONS);
  }

  static String of(String secret, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + base64.encodeToString(salt) + "$"
        + base64.encodeToString(derive(secret, salt, iterations));
  }

  /** Whether {@code secret} is the one {@code hash} was made of; false for a hash this class did not write. */
  public static boolean matches(String secret, String hash) {
    String[] parts = hash == null ? new String[0] : hash.split("\\$");
    if (parts.length != 4 || !parts[0].equals(PREFIX)) {
      return false;
    }
    try {
      Base64.Decoder base64 = Base64.getDecoder();
      byte[] expected = base64.decode(parts[3]);
      byte[] actual = derive(secret, base64.decode(parts[2]), Integer.parseInt(parts[1]));
      return MessageDigest.isEqual(expected, actual);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Spends the time of a verification, for a client that does not exist. */
  static void spendTime(String secret) {
    matches(secret, DECOY);
  }

  /** Whether a clients file's value is a hash of this kind (and not, say, a secret pasted in by hand). */
  public static boolean isHash(String value) {
    return value != null && value.startsWith(PREFIX + "$") && value.split("\\$").length == 4;
  }

  private static byte[] derive(String secret, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
