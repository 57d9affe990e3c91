package io.stagecoach.api.auth;

import io.stagecoach.config.AuthConfig;
import io.stagecoach.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the keys tokens are verified with (an HS256 secret, PEM public keys, JWKS from a file or
 * a URL) into a vertx-auth-jwt provider. A key that cannot be used stops the start with a message
 * naming it; a key set without a single usable key does too.
 */
final class VerificationKeys {
  static final String HS256 = "HS256";
  private static final Set<String> JWK_KEY_TYPES = Set.of("RSA", "EC");
  private static final long JWKS_FETCH_TIMEOUT_MS = 10_000;

  private VerificationKeys() {
  }

  /** The keys that do not change while the engine runs: the secret, PEM keys and the JWKS file. */
  static Future<JWTAuthOptions> loadStatic(Vertx vertx, AuthConfig config, String secret) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(verification(config));
    if (secret != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(HS256).setBuffer(Buffer.buffer(secret)));
    }
    List<Future<PubSecKeyOptions>> keys = new ArrayList<>();
    for (int i = 0; i < config.publicKeys().size(); i++) {
      keys.add(publicKey(vertx, config.publicKeys().get(i), "auth.publicKeys[" + i + "]"));
    }
    Future<List<JsonObject>> fileSet = config.jwksFile() == null
        ? Future.succeededFuture(List.of())
        : vertx.fileSystem().readFile(config.jwksFile())
            .recover(e -> Future.failedFuture(new ConfigException("auth.jwksFile " + config.jwksFile() + " cannot be read")))
            .map(buffer -> keySet(vertx, buffer, "auth.jwksFile " + config.jwksFile()));
    return Future.all(keys).compose(all -> fileSet).map(jwks -> {
      keys.forEach(key -> options.addPubSecKey(key.result()));
      jwks.forEach(options::addJwk);
      return options;
    });
  }

  /** What every token must satisfy besides its signature; times are checked by {@link Authenticator}. */
  private static JWTOptions verification(AuthConfig config) {
    return new JWTOptions()
        .setIgnoreExpiration(true)
        .setIssuer(config.issuer())
        .setAudience(config.audience().isEmpty() ? null : new ArrayList<>(config.audience()));
  }

  private static Future<PubSecKeyOptions> publicKey(Vertx vertx, AuthConfig.PublicKey key, String name) {
    Future<Buffer> pem = key.pem() != null
        ? Future.succeededFuture(Buffer.buffer(key.pem()))
        : vertx.fileSystem().readFile(key.pemFile())
            .recover(e -> Future.failedFuture(new ConfigException(name + ".pemFile " + key.pemFile() + " cannot be read")));
    return pem.map(buffer -> {
      PubSecKeyOptions options = new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(buffer).setId(key.kid());
      try {
        // Parses the key now, so a bad one is named at start-up rather than failing every token.
        JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(options));
      } catch (RuntimeException e) {
        throw new ConfigException(name + " is not a PEM public key for " + key.algorithm());
      }
      return options;
    });
  }

  /** Reads the JSON Web Key Set at {@code url}: {@code 200} with {@code {"keys": [...]}}. */
  static Future<List<JsonObject>> fetch(Vertx vertx, String url) {
    HttpClient client = vertx.createHttpClient();
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
        .setIdleTimeout(JWKS_FETCH_TIMEOUT_MS).setConnectTimeout(JWKS_FETCH_TIMEOUT_MS)
        .putHeader("Accept", "application/json");
    return client.request(request)
        .compose(r -> r.send())
        .compose(response -> response.statusCode() == 200
            ? response.body()
            : Future.failedFuture(new ConfigException("auth.jwksUrl " + url + " answered " + response.statusCode())))
        .map(body -> keySet(vertx, body, "auth.jwksUrl " + url))
        .recover(e -> Future.failedFuture(e instanceof ConfigException ? e
            : new ConfigException("auth.jwksUrl " + url + " cannot be read: " + e.getMessage())))
        .eventually(client::close);
  }

  /**
   * Whether {@code options} give the provider at least one verification key. vertx-auth-jwt skips
   * a JWK it cannot parse with only a warning, and a provider left without keys would accept
   * unsigned tokens; such a provider still signs with {@code alg: none}, which is how it shows.
   */
  static boolean hasKeys(Vertx vertx, JWTAuthOptions options) {
    JWTAuth provider = JWTAuth.create(vertx, options);
    try {
      provider.generateToken(new JsonObject(), new JWTOptions().setAlgorithm("none"));
      return false;
    } catch (RuntimeException signedOnly) {
      return true;
    }
  }

  /** The signing keys of a JWKS document: RSA and EC keys whose {@code use}, if any, is {@code sig}. */
  static List<JsonObject> keySet(Vertx vertx, Buffer document, String source) {
    JsonArray keys;
    try {
      keys = new JsonObject(document).getJsonArray("keys");
    } catch (RuntimeException e) {
      throw new ConfigException(source + " is not a JSON Web Key Set ({\"keys\": [...]})");
    }
    if (keys == null) {
      throw new ConfigException(source + " is not a JSON Web Key Set ({\"keys\": [...]})");
    }
    List<JsonObject> usable = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.getValue(i) instanceof JsonObject jwk && JWK_KEY_TYPES.contains(jwk.getValue("kty"))
          && (jwk.getValue("use") == null || "sig".equals(jwk.getValue("use")))
          && (jwk.getValue("alg") == null || AuthConfig.PUBLIC_KEY_ALGORITHMS.contains(jwk.getValue("alg")))) {
        if (!hasKeys(vertx, new JWTAuthOptions().addJwk(jwk))) {
          throw new ConfigException(source + ": keys[" + i + "] is not a valid " + jwk.getValue("kty") + " signing key");
        }
        usable.add(jwk);
      }
    }
    if (usable.isEmpty()) {
      throw new ConfigException(source + " holds no RSA or EC signing key");
    }
    return usable;
  }
}
