package io.stagecoach.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs deliveries the Standard Webhooks way: {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>},
 * where the key is the base64 after a secret's {@code whsec_} prefix. While a secret is being rotated
 * the header carries one signature per secret, space-separated, and a receiver accepts either.
 */
public final class Signer {
  public static final String SECRET_PREFIX = "whsec_";
  /** Random bytes in a new secret: 32, above the 24 the spec asks for. */
  public static final int SECRET_BYTES = 32;
  private static final String HMAC = "HmacSHA256";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signer() {
  }

  /** A new secret: {@code whsec_} + base64 of {@value #SECRET_BYTES} random bytes. */
  public static String newSecret() {
    byte[] key = new byte[SECRET_BYTES];
    RANDOM.nextBytes(key);
    return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** One signature, {@code v1,<base64>}, of {@code body} sent as message {@code id} at {@code timestamp} (unix seconds). */
  public static String sign(String secret, String id, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key(secret), HMAC));
      byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** The {@code webhook-signature} header: one signature per secret, in order, space-separated. */
  public static String header(List<String> secrets, String id, long timestamp, String body) {
    return secrets.stream().map(secret -> sign(secret, id, timestamp, body)).collect(Collectors.joining(" "));
  }

  /** The HMAC key of a secret: the base64 after {@code whsec_} (the prefix is optional). */
  static byte[] key(String secret) {
    String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
    return Base64.getDecoder().decode(encoded);
  }
}
