package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Tokens.aToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which bearer tokens the API takes: HS256, RS256 and ES256 from PEM keys, JWKS from a file and a
 * URL, with issuer, audience and time checks. Tokens are minted with nimbus-jose-jwt, so the
 * verifier (vertx-auth-jwt) is checked against an implementation other than its own.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Bearer tokens")
class TokensApiTest {
  private static final String ISSUER = "https://issuer.test/";
  private static final String AUDIENCE = "stagecoach-api";
  private static final String OTHER_SECRET = "another-secret-that-is-long-enough-0123456789";

  private TestEngine engine;
  private HttpServer jwksServer;

  @AfterEach
  void stop(VertxTestContext test) {
    Future<Void> server = jwksServer == null ? Future.succeededFuture() : jwksServer.close();
    server.compose(v -> engine == null ? Future.succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  /** An engine with {@code auth} only: the test engine's HS256 secret is dropped unless {@code auth} names one. */
  private Future<Rest> start(Vertx vertx, JsonObject auth) {
    JsonObject only = auth.containsKey("hs256Secret") ? auth : auth.copy().putNull("hs256Secret");
    return TestEngine.start(vertx, new JsonObject().put("auth", only), new JobTypeRegistry()).map(e -> {
      engine = e;
      return new Rest(e).anonymous();
    });
  }

  /** HS256 with issuer and audience checks, as most of the cases below run. */
  private Future<Rest> startStrict(Vertx vertx) {
    return start(vertx, new JsonObject().put("hs256Secret", Tokens.SECRET).put("issuer", ISSUER).put("audience", AUDIENCE)
        .put("leewaySeconds", 30));
  }

  private static Tokens strict() {
    return aToken().issuer(ISSUER).audience(AUDIENCE);
  }

  private static Future<HttpResponse<Buffer>> withAuthorization(Rest rest, String header) {
    return header == null ? rest.get(JOBS) : rest.prepare(HttpMethod.GET, JOBS).putHeader("Authorization", header).send();
  }

  /** A 401 as RFC 6750 and SPEC §5 want it: the error JSON and a Bearer challenge. */
  static void assertUnauthorized(HttpResponse<Buffer> r, String reason) {
    JsonObject error = assertError(r, 401, "unauthorized");
    String challenge = r.getHeader("WWW-Authenticate");
    assertNotNull(challenge, "a 401 carries WWW-Authenticate");
    assertTrue(challenge.startsWith("Bearer realm=\"stagecoach\""), challenge);
    if (reason != null) {
      assertTrue(error.getString("message").contains(reason), "message names the reason '" + reason + "': " + error);
      assertTrue(challenge.contains("error=\"invalid_token\""), challenge);
    }
  }

  static Stream<Arguments> refusedTokens() {
    Instant now = Instant.now();
    String valid = strict().sign();
    String[] parts = valid.split("\\.");
    String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .put("tenant", "other").encode().getBytes(StandardCharsets.UTF_8));
    String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString(
        "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    return Stream.of(
        Arguments.of("no Authorization header", (Supplier<String>) () -> null, null),
        Arguments.of("a Basic credential", (Supplier<String>) () -> "Basic YWxpY2U6c2VjcmV0", null),
        Arguments.of("Bearer and nothing", (Supplier<String>) () -> "Bearer ", null),
        Arguments.of("a token that is not a JWT", (Supplier<String>) () -> "Bearer not-a-jwt", "not a signed JWT"),
        Arguments.of("four segments", (Supplier<String>) () -> "Bearer " + valid + ".x", "not a signed JWT"),
        Arguments.of("an expired token", (Supplier<String>) () -> "Bearer " + strict().issuedAt(now.minusSeconds(7200))
            .expiresAt(now.minusSeconds(3600)).sign(), "expired"),
        Arguments.of("a token expired longer ago than the leeway", (Supplier<String>) () -> "Bearer "
            + strict().issuedAt(now.minusSeconds(600)).expiresAt(now.minusSeconds(60)).sign(), "expired"),
        Arguments.of("a token not valid yet (nbf)", (Supplier<String>) () -> "Bearer "
            + strict().notBefore(now.plusSeconds(3600)).sign(), "not valid yet"),
        Arguments.of("a token issued in the future (iat)", (Supplier<String>) () -> "Bearer "
            + strict().issuedAt(now.plusSeconds(3600)).expiresAt(now.plusSeconds(7200)).sign(), "future"),
        Arguments.of("a token signed with another secret", (Supplier<String>) () -> "Bearer "
            + strict().signHs256(OTHER_SECRET), "signature"),
        Arguments.of("a token whose payload was changed after signing", (Supplier<String>) () -> "Bearer "
            + parts[0] + "." + tamperedPayload + "." + parts[2], "signature"),
        Arguments.of("a token of another issuer", (Supplier<String>) () -> "Bearer "
            + aToken().issuer("https://evil.test/").audience(AUDIENCE).sign(), "issuer"),
        Arguments.of("a token without an issuer", (Supplier<String>) () -> "Bearer " + aToken().audience(AUDIENCE).sign(),
            "issuer"),
        Arguments.of("a token for another audience", (Supplier<String>) () -> "Bearer "
            + aToken().issuer(ISSUER).audience("someone-else").sign(), "audience"),
        Arguments.of("alg: none, unsigned", (Supplier<String>) () -> "Bearer " + strict().unsigned(), "not signed"),
        Arguments.of("alg: none with a signature", (Supplier<String>) () -> "Bearer " + noneHeader + "." + parts[1] + "."
            + parts[2], "algorithm"),
        Arguments.of("alg HS256 with the signature cut off", (Supplier<String>) () -> "Bearer " + parts[0] + "." + parts[1]
            + ".", "not signed"),
        Arguments.of("an RS256 token where only HS256 is configured", (Supplier<String>) () -> "Bearer "
            + strict().signRs256(Tokens.rsaKeys()), "algorithm"),
        Arguments.of("no sub", (Supplier<String>) () -> "Bearer " + strict().without("sub").sign(), "subject"),
        Arguments.of("no tenant", (Supplier<String>) () -> "Bearer " + strict().without("tenant").sign(), "tenant"),
        Arguments.of("a tenant with a space", (Supplier<String>) () -> "Bearer " + strict().tenant("ac me").sign(), "tenant"),
        Arguments.of("no roles", (Supplier<String>) () -> "Bearer " + strict().without("roles").sign(), "roles"),
        Arguments.of("roles as a string", (Supplier<String>) () -> "Bearer " + strict().claim("roles", "operator").sign(),
            "roles"),
        Arguments.of("no exp", (Supplier<String>) () -> "Bearer " + strict().without("exp").sign(), "expiry"),
        Arguments.of("exp as a string", (Supplier<String>) () -> "Bearer " + strict().claim("exp", "tomorrow").sign(), null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedTokens")
  @DisplayName("a missing, malformed, expired, foreign or incomplete token is 401 unauthorized with a Bearer challenge")
  void refusesTokens(String what, Supplier<String> header, String reason, Vertx vertx, VertxTestContext test) {
    startStrict(vertx)
        .compose(rest -> rest.refused(() -> withAuthorization(rest, header.get())))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertUnauthorized(r, reason);
          assertFalse(r.bodyAsString().contains("eyJ"), "the answer never echoes a token: " + r.bodyAsString());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a valid HS256 token is accepted, also one expired within the clock-skew leeway, and the scheme is case-insensitive")
  void acceptsValidTokens(Vertx vertx, VertxTestContext test) {
    Instant now = Instant.now();
    startStrict(vertx)
        .compose(rest -> withAuthorization(rest, "Bearer " + strict().sign())
            .compose(fresh -> withAuthorization(rest, "Bearer " + strict().issuedAt(now.minusSeconds(600))
                .expiresAt(now.minusSeconds(10)).sign()).map(skewed -> {
                  test.verify(() -> {
                    assertStatus(fresh, 200);
                    assertStatus(skewed, 200);
                  });
                  return skewed;
                }))
            .compose(v -> withAuthorization(rest, "bearer " + strict().sign())))
        .onComplete(test.succeeding(lower -> test.verify(() -> {
          assertStatus(lower, 200);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("RS256 tokens verify against a PEM public key file; one signed by another key is 401")
  void rs256FromPemFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws Exception {
    KeyPair keys = Tokens.rsaKeys();
    Path pem = dir.resolve("issuer.pem");
    Files.writeString(pem, Tokens.pem(keys.getPublic()));
    JsonObject auth = new JsonObject().put("publicKeys", new JsonArray()
        .add(new JsonObject().put("algorithm", "RS256").put("pemFile", pem.toString())));
    start(vertx, auth)
        .compose(rest -> rest.as(aToken().tenant("acme").roles("viewer").signRs256(keys)).get(JOBS)
            .compose(ok -> rest.as(aToken().signRs256(Tokens.rsaKeys())).get(JOBS).map(other -> {
              test.verify(() -> {
                assertStatus(ok, 200);
                assertUnauthorized(other, "signature");
              });
              return other;
            }))
            .compose(v -> rest.as(Tokens.operator()).get(JOBS)))
        .onComplete(test.succeeding(hs256 -> test.verify(() -> {
          assertUnauthorized(hs256, "algorithm");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an HS256 token signed with the RS256 public key as its secret (algorithm confusion) is 401")
  void refusesAlgorithmConfusion(Vertx vertx, VertxTestContext test) {
    KeyPair keys = Tokens.rsaKeys();
    String pem = Tokens.pem(keys.getPublic());
    JsonObject auth = new JsonObject().put("publicKeys", new JsonArray()
        .add(new JsonObject().put("algorithm", "RS256").put("pem", pem)));
    start(vertx, auth)
        .compose(rest -> rest.as(aToken().signHs256(pem)).get(JOBS))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertUnauthorized(r, "algorithm");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("ES256 tokens verify against an inline PEM public key with a kid")
  void es256FromInlinePem(Vertx vertx, VertxTestContext test) {
    KeyPair keys = Tokens.ecKeys();
    JsonObject auth = new JsonObject().put("publicKeys", new JsonArray()
        .add(new JsonObject().put("algorithm", "ES256").put("pem", Tokens.pem(keys.getPublic())).put("kid", "ec-1")));
    start(vertx, auth)
        .compose(rest -> rest.as(aToken().kid("ec-1").signEs256(keys)).get(JOBS)
            .compose(ok -> rest.as(aToken().kid("ec-1").signEs256(Tokens.ecKeys())).get(JOBS).map(other -> {
              test.verify(() -> {
                assertStatus(ok, 200);
                assertUnauthorized(other, "signature");
              });
              return other;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  private static String jwks(KeyPair rsa, KeyPair ec) {
    return new JWKSet(java.util.List.of(
        new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID("rsa-1").keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.RS256).build(),
        new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID("ec-1").keyUse(KeyUse.SIGNATURE)
            .algorithm(JWSAlgorithm.ES256).build())).toString();
  }

  @Test
  @DisplayName("a JWKS file gives RS256 and ES256 keys, chosen by kid; a kid not in the set is 401")
  void jwksFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws Exception {
    KeyPair rsa = Tokens.rsaKeys();
    KeyPair ec = Tokens.ecKeys();
    Path file = dir.resolve("jwks.json");
    Files.writeString(file, jwks(rsa, ec));
    start(vertx, new JsonObject().put("jwksFile", file.toString()))
        .compose(rest -> Future.all(
            rest.as(aToken().kid("rsa-1").signRs256(rsa)).get(JOBS),
            rest.as(aToken().kid("ec-1").signEs256(ec)).get(JOBS),
            rest.as(aToken().kid("rsa-2").signRs256(rsa)).get(JOBS)))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          assertStatus(answers.resultAt(0), 200);
          assertStatus(answers.resultAt(1), 200);
          assertUnauthorized(answers.resultAt(2), "no configured key");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a JWKS URL is read at start-up and its keys verify tokens")
  void jwksUrl(Vertx vertx, VertxTestContext test) {
    KeyPair rsa = Tokens.rsaKeys();
    KeyPair ec = Tokens.ecKeys();
    String document = jwks(rsa, ec);
    vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/json").end(document))
        .listen(0, "127.0.0.1")
        .compose(server -> {
          jwksServer = server;
          return start(vertx, new JsonObject().put("jwksUrl", "http://127.0.0.1:" + server.actualPort() + "/jwks.json"));
        })
        .compose(rest -> rest.as(aToken().kid("ec-1").signEs256(ec)).get(JOBS))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertStatus(r, 200);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an engine whose JWKS URL does not answer with a key set does not start, and says why")
  void jwksUrlMustAnswer(Vertx vertx, VertxTestContext test) {
    vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(404).end())
        .listen(0, "127.0.0.1")
        .compose(server -> {
          jwksServer = server;
          return start(vertx, new JsonObject().put("jwksUrl", "http://127.0.0.1:" + server.actualPort() + "/jwks.json"));
        })
        .onComplete(test.failing(e -> test.verify(() -> {
          assertTrue(e.getMessage().contains("auth.jwksUrl"), e.getMessage());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a PEM key that is not a key stops the start with a message naming it")
  void badPem(Vertx vertx, VertxTestContext test) {
    JsonObject auth = new JsonObject().put("publicKeys", new JsonArray()
        .add(new JsonObject().put("algorithm", "RS256").put("pem", "-----BEGIN PUBLIC KEY-----\nbm9wZQ==\n-----END PUBLIC KEY-----")));
    start(vertx, auth).onComplete(test.failing(e -> test.verify(() -> {
      assertTrue(e.getMessage().contains("auth.publicKeys[0]"), e.getMessage());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a valid token's subject, tenant and roles are what the API acts on: a viewer of acme lists only acme")
  void claimsScopeTheCaller(Vertx vertx, VertxTestContext test) {
    startStrict(vertx)
        .compose(rest -> rest.as(strict().tenant("acme").sign()).submit(io.stagecoach.testing.Submissions.aJob("demo.noop")
                .delayMs(600_000).json())
            .compose(job -> rest.as(strict().tenant("acme").roles("viewer").sign()).get(JOBS).map(r -> {
              test.verify(() -> {
                assertEquals("acme", job.getString("tenant"));
                assertStatus(r, 200);
                assertEquals(1, r.bodyAsJsonObject().getJsonArray("items").size());
              });
              return r;
            })))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a token is valid for as long as it says: one expiring in a second works now")
  void shortLivedTokenWorksNow(Vertx vertx, VertxTestContext test) {
    startStrict(vertx)
        .compose(rest -> withAuthorization(rest, "Bearer " + strict().expiresAt(Instant.now().plus(Duration.ofSeconds(1))).sign()))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertStatus(r, 200);
          test.completeNow();
        })));
  }
}
