package io.stagecoach.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthConfigTest {
  private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";

  private static AuthConfig auth(JsonObject section) {
    return StagecoachConfig.fromJson(new JsonObject().put("auth", section)).auth();
  }

  @Test
  @DisplayName("no auth section is development auth with the documented defaults")
  void defaults() {
    AuthConfig auth = StagecoachConfig.defaults().auth();

    assertTrue(auth.isDevelopment());
    assertNull(auth.hs256Secret());
    assertEquals(List.of(), auth.publicKeys());
    assertEquals(AuthConfig.DEFAULT_LEEWAY, auth.leeway());
    assertEquals(Duration.ofSeconds(30), auth.leeway());
    assertEquals(AuthConfig.DEFAULT_JWKS_REFRESH, auth.jwksRefresh());
    assertTrue(auth.protectMetrics());
    assertEquals(List.of(), auth.corsOrigins(), "CORS is off");
    assertEquals(List.of(), auth.audience());
    assertNull(auth.issuer());
  }

  @Test
  @DisplayName("every key is read: secret, keys, JWKS, issuer, audience, leeway, metrics, CORS and the token file")
  void readsEveryKey() {
    AuthConfig auth = auth(new JsonObject()
        .put("hs256Secret", SECRET)
        .put("publicKeys", new JsonArray()
            .add(new JsonObject().put("algorithm", "RS256").put("pemFile", "conf/issuer.pem").put("kid", "k1"))
            .add(new JsonObject().put("algorithm", "ES256").put("pem", "-----BEGIN PUBLIC KEY-----")))
        .put("jwksFile", "conf/jwks.json")
        .put("jwksUrl", "https://idp.example.com/jwks.json")
        .put("jwksRefreshMs", 60_000)
        .put("issuer", "https://idp.example.com/")
        .put("audience", new JsonArray().add("stagecoach").add("jobs"))
        .put("leewaySeconds", 5)
        .put("protectMetrics", false)
        .put("corsOrigins", "https://console.example.com")
        .put("devTokenFile", "dev-token"));

    assertFalse(auth.isDevelopment());
    assertEquals(SECRET, auth.hs256Secret());
    assertEquals(new AuthConfig.PublicKey("RS256", null, "conf/issuer.pem", "k1"), auth.publicKeys().get(0));
    assertEquals("ES256", auth.publicKeys().get(1).algorithm());
    assertEquals("conf/jwks.json", auth.jwksFile());
    assertEquals("https://idp.example.com/jwks.json", auth.jwksUrl());
    assertEquals(Duration.ofMinutes(1), auth.jwksRefresh());
    assertEquals("https://idp.example.com/", auth.issuer());
    assertEquals(List.of("stagecoach", "jobs"), auth.audience());
    assertEquals(Duration.ofSeconds(5), auth.leeway());
    assertFalse(auth.protectMetrics());
    assertEquals(List.of("https://console.example.com"), auth.corsOrigins());
    assertEquals("dev-token", auth.devTokenFile());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{\"hs256Secret\": \"short\"}                                   | auth.hs256Secret",
      "{\"secret\": \"x\"}                                            | auth.secret",
      "{\"publicKeys\": [{\"algorithm\": \"RS256\"}]}                 | exactly one of pem and pemFile",
      "{\"publicKeys\": [{\"algorithm\": \"RS256\", \"pem\": \"p\", \"pemFile\": \"f\"}]} | exactly one of pem and pemFile",
      "{\"publicKeys\": [{\"algorithm\": \"HS256\", \"pem\": \"p\"}]} | auth.publicKeys[].algorithm",
      "{\"publicKeys\": [{\"algorithm\": \"none\", \"pem\": \"p\"}]}  | auth.publicKeys[].algorithm",
      "{\"publicKeys\": [{\"algorithm\": \"RS256\", \"pem\": \"p\", \"x\": 1}]} | auth.publicKeys[0].x",
      "{\"publicKeys\": {\"algorithm\": \"RS256\"}}                   | auth.publicKeys must be a list",
      "{\"jwksUrl\": \"file:///etc/passwd\"}                          | auth.jwksUrl",
      "{\"corsOrigins\": [\"console.example.com\"]}                   | auth.corsOrigins",
      "{\"corsOrigins\": [\"https://console.example.com/app\"]}       | auth.corsOrigins",
      "{\"leewaySeconds\": 601}                                       | auth.leewaySeconds",
      "{\"audience\": [1]}                                            | auth.audience"})
  @DisplayName("a bad auth value stops the start with a message naming the key")
  void refusesBadValues(String section, String named) {
    ConfigException e = assertThrows(ConfigException.class, () -> auth(new JsonObject(section)));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @Test
  @DisplayName("the message about a short secret does not show the secret")
  void shortSecretIsNotShown() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> auth(new JsonObject().put("hs256Secret", "hunter2-hunter2")));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  @DisplayName("STAGECOACH_JWT_SECRET sets auth.hs256Secret, over the file's")
  void secretFromEnvironment() {
    JsonObject merged = new JsonObject()
        .put("auth", new JsonObject().put("hs256Secret", "from-the-file-from-the-file-from-the-file").put("issuer", "i"))
        .put("STAGECOACH_JWT_SECRET", SECRET);

    AuthConfig auth = StagecoachConfig.fromJson(ConfigLoader.applyEnvironment(merged)).auth();

    assertEquals(SECRET, auth.hs256Secret());
    assertEquals("i", auth.issuer());
  }

  @Test
  @DisplayName("a config printed (say, in a log) shows neither the secret nor an inline key")
  void toStringHidesSecrets() {
    StagecoachConfig config = StagecoachConfig.fromJson(new JsonObject().put("auth", new JsonObject()
        .put("hs256Secret", SECRET)
        .put("publicKeys", new JsonArray().add(new JsonObject().put("algorithm", "ES256").put("pem", "PEM-BODY-XYZ")))));

    assertFalse(config.toString().contains(SECRET), config.toString());
    assertFalse(config.toString().contains("PEM-BODY-XYZ"), config.toString());
    assertTrue(config.toString().contains("hs256Secret=(set)"), config.toString());
  }
}
