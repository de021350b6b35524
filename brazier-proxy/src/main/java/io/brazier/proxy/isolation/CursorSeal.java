package io.brazier.proxy.isolation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * Seals a paging cursor to what it was given for (AES-GCM, with that as associated data), so that it opens only for
 * the same: a changed or borrowed cursor does not open, and a sealed one tells nothing of what it holds. The key is
 * one row of {@code brazier_proxy.cursor_key}, made by the first node that starts, so any node opens what another
 * sealed.
 */
public final class CursorSeal {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  private CursorSeal(SecretKey key) {
    this.key = key;
  }

  /** The seal of the key stored in {@code database}, made there first if there is none yet. */
  public static CursorSeal of(DataSource database) {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    try (Connection connection = database.getConnection()) {
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO brazier_proxy.cursor_key (id, secret) VALUES (1, ?) ON CONFLICT DO NOTHING")) {
        insert.setBytes(1, fresh);
        insert.executeUpdate();
      }
      try (PreparedStatement select = connection.prepareStatement(
          "SELECT secret FROM brazier_proxy.cursor_key WHERE id = 1"); ResultSet row = select.executeQuery()) {
        row.next();
        return new CursorSeal(new SecretKeySpec(row.getBytes(1), "AES"));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("The key of paging cursors could not be read: " + e.getMessage(), e);
    }
  }

  /** {@code cursor} sealed to {@code binding}: URL-safe text. */
  String seal(String cursor, String binding) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, binding, cursor.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** The cursor {@code sealed} holds, if it was sealed to {@code binding} with this key; empty otherwise. */
  Optional<String> open(String sealed, String binding) {
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(sealed);
      if (bytes.length <= NONCE_BYTES) {
        return Optional.empty();
      }
      byte[] plain = run(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), binding,
          Arrays.copyOfRange(bytes, NONCE_BYTES, bytes.length));
      return Optional.of(new String(plain, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return Optional.empty(); // not Base64, or sealed to something else, or not by this key
    }
  }

  private byte[] run(int mode, byte[] nonce, String binding, byte[] input) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(binding.getBytes(StandardCharsets.UTF_8));
    return cipher.doFinal(input);
  }
}
