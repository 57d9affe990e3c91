package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SignerTest {
  // The Standard Webhooks specification's published test vector.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  @DisplayName("the signer reproduces the Standard Webhooks specification's test vector")
  void testVector() {
    assertEquals(SIGNATURE, Signer.sign(SECRET, ID, TIMESTAMP, BODY));
  }

  @Test
  @DisplayName("the independent library signs the test vector the same way")
  void libraryAgrees() throws Exception {
    assertEquals(SIGNATURE, new Webhook(SECRET).sign(ID, TIMESTAMP, BODY));
  }

  @Test
  @DisplayName("during a rotation the header carries both signatures, space-separated, and each verifies with its secret")
  void rotationHeader() {
    String next = Signer.newSecret();
    long now = Instant.now().getEpochSecond();
    String header = Signer.header(List.of(next, SECRET), ID, now, BODY);
    String[] signatures = header.split(" ");
    assertEquals(2, signatures.length);
    assertEquals(Signer.sign(next, ID, now, BODY), signatures[0]);
    assertEquals(Signer.sign(SECRET, ID, now, BODY), signatures[1]);
    Map<String, List<String>> headers = Map.of("webhook-id", List.of(ID), "webhook-timestamp", List.of(Long.toString(now)),
        "webhook-signature", List.of(header));
    assertDoesNotThrow(() -> new Webhook(SECRET).verify(BODY, headers));
    assertDoesNotThrow(() -> new Webhook(next).verify(BODY, headers));
    assertThrows(WebhookVerificationException.class, () -> new Webhook(Signer.newSecret()).verify(BODY, headers));
  }

  @Test
  @DisplayName("a new secret is whsec_ and the base64 of 32 random bytes, different each time")
  void newSecret() {
    String secret = Signer.newSecret();
    assertTrue(secret.startsWith("whsec_"));
    assertEquals(32, Base64.getDecoder().decode(secret.substring("whsec_".length())).length);
    assertNotEquals(secret, Signer.newSecret());
  }

  @Test
  @DisplayName("the independent verifier refuses a tampered body and a stale timestamp")
  void tamperedAndStale() {
    long now = Instant.now().getEpochSecond();
    Map<String, List<String>> fresh = Map.of("webhook-id", List.of(ID), "webhook-timestamp", List.of(Long.toString(now)),
        "webhook-signature", List.of(Signer.sign(SECRET, ID, now, BODY)));
    assertDoesNotThrow(() -> new Webhook(SECRET).verify(BODY, fresh));
    assertThrows(WebhookVerificationException.class, () -> new Webhook(SECRET).verify("{\"test\": 2432232315}", fresh));
    long stale = now - 3600;
    Map<String, List<String>> old = Map.of("webhook-id", List.of(ID), "webhook-timestamp", List.of(Long.toString(stale)),
        "webhook-signature", List.of(Signer.sign(SECRET, ID, stale, BODY)));
    assertThrows(WebhookVerificationException.class, () -> new Webhook(SECRET).verify(BODY, old));
  }
}
