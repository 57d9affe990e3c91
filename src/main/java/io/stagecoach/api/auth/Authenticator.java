package io.stagecoach.api.auth;

import io.stagecoach.config.AuthConfig;
import io.stagecoach.config.ConfigException;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bearer token into a {@link Caller}, or refuses it with {@code unauthorized} and a
 * reason a client can act on (never the token, never a key). Signatures, issuer and audience are
 * checked by vertx-auth-jwt; {@code exp} (required), {@code nbf} and {@code iat} here, with the
 * configured leeway; then the claims {@code sub}, {@code tenant} and {@code roles}.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  /** The development token's subject, tenant and lifetime. */
  public static final String DEV_SUBJECT = "developer";
  public static final String DEV_TENANT = "default";
  public static final Duration DEV_TOKEN_TTL = Duration.ofHours(24);
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
  private static final int MAX_SUBJECT_LENGTH = 256;
  private static final int MAX_TOKEN_LENGTH = 8192;

  private final Vertx vertx;
  private final AuthConfig config;
  private final Clock clock;
  private final Set<String> algorithms;
  private final String developmentToken;
  private final JWTAuthOptions staticKeys;
  private volatile JWTAuth provider;
  private long refreshTimer = -1;

  private Authenticator(Vertx vertx, AuthConfig config, Clock clock, JWTAuthOptions staticKeys, boolean development) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.staticKeys = staticKeys;
    this.algorithms = algorithms(config, development);
    this.provider = JWTAuth.create(vertx, staticKeys);
    this.developmentToken = development ? mintDevelopmentToken() : null;
  }

  /**
   * Loads the configured keys; with none configured, makes a random HS256 secret for this process
   * and a development token signed with it. Fails with a {@link ConfigException} naming a key that
   * cannot be used.
   */
  public static Future<Authenticator> create(Vertx vertx, AuthConfig config, Clock clock) {
    boolean development = config.isDevelopment();
    String secret = development ? randomSecret() : config.hs256Secret();
    return VerificationKeys.loadStatic(vertx, config, secret)
        .compose(keys -> config.jwksUrl() == null ? Future.succeededFuture(keys)
            : VerificationKeys.fetch(vertx, config.jwksUrl()).map(jwks -> withJwks(keys, jwks)))
        .map(keys -> {
          if (!VerificationKeys.hasKeys(vertx, keys)) {
            throw new ConfigException("auth: no usable verification key");
          }
          Authenticator authenticator = new Authenticator(vertx, config, clock, keys, development);
          authenticator.scheduleJwksRefresh();
          return authenticator;
        });
  }

  /** The token printed at start-up when no keys are configured: operator of tenant {@value #DEV_TENANT}. */
  public Optional<String> developmentToken() {
    return Optional.ofNullable(developmentToken);
  }

  /** Stops reading the JWKS URL again. */
  public void close() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
  }

  /** The caller a token stands for; fails with {@code unauthorized} saying what is wrong with it. */
  public Future<Caller> authenticate(String token) {
    try {
      checkShape(token);
      return provider.authenticate(new TokenCredentials(token))
          .recover(e -> Future.failedFuture(rejection(e)))
          .map(this::caller);
    } catch (StagecoachException e) {
      return Future.failedFuture(e);
    } catch (RuntimeException e) {
      // vertx-auth-jwt can throw rather than fail on a hostile token (say, a non-numeric exp).
      return Future.failedFuture(rejected("the token is malformed"));
    }
  }

  /** Three base64url segments, and a header naming an algorithm a configured key verifies. */
  private void checkShape(String token) {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw rejected("the token is too long");
    }
    String[] segments = token.split("\\.", -1);
    if (segments.length != 3 || !SEGMENT.matcher(segments[0]).matches() || !SEGMENT.matcher(segments[1]).matches()) {
      throw rejected("the token is not a signed JWT (header.payload.signature)");
    }
    if (segments[2].isEmpty()) {
      throw rejected("the token is not signed");
    }
    Object alg;
    try {
      alg = new JsonObject(new String(Base64.getUrlDecoder().decode(segments[0]), StandardCharsets.UTF_8)).getValue("alg");
    } catch (RuntimeException e) {
      throw rejected("the token's header is not base64url JSON");
    }
    if (!(alg instanceof String name) || !algorithms.contains(name)) {
      throw rejected("the token's algorithm is not one this API accepts " + new TreeSet<>(algorithms));
    }
  }

  private static StagecoachException rejection(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (message.startsWith("Invalid JWT issuer")) {
      return rejected("the token's issuer (iss) is not the one this API trusts");
    }
    if (message.startsWith("Invalid JWT audience")) {
      return rejected("the token's audience (aud) does not name this API");
    }
    if (failure instanceof SignatureException) {
      return rejected("the token's signature does not verify");
    }
    if (failure instanceof NoSuchKeyIdException) {
      return rejected("no configured key verifies this token (algorithm or kid unknown)");
    }
    return rejected("the token is malformed");
  }

  private Caller caller(User user) {
    JsonObject claims = user.attributes().getJsonObject("accessToken");
    if (claims == null) {
      throw rejected("the token is malformed");
    }
    checkTimes(claims);
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String subject) || subject.isBlank() || subject.length() > MAX_SUBJECT_LENGTH) {
      throw rejected("the token has no subject (sub) claim");
    }
    Object tenantClaim = claims.getValue("tenant");
    if (!(tenantClaim instanceof String tenant) || !TENANT.matcher(tenant).matches()) {
      throw rejected("the token has no valid tenant claim (1-64 characters of A-Z a-z 0-9 _ . -)");
    }
    if (!(claims.getValue("roles") instanceof JsonArray names)) {
      throw rejected("the token has no roles claim (a list of role names)");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (Object name : names) {
      if (!(name instanceof String role)) {
        throw rejected("the token's roles claim must list role names");
      }
      Role.fromWire(role).ifPresent(roles::add);
    }
    return new Caller(subject, tenant, roles);
  }

  private void checkTimes(JsonObject claims) {
    long now = clock.millis() / 1000;
    long leeway = config.leeway().toSeconds();
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw rejected("the token has no expiry (exp) claim");
    }
    if (now - leeway >= exp.longValue()) {
      throw rejected("the token has expired");
    }
    Object nbf = claims.getValue("nbf");
    if (nbf != null && (!(nbf instanceof Number n) || n.longValue() > now + leeway)) {
      throw rejected("the token is not valid yet (nbf)");
    }
    Object iat = claims.getValue("iat");
    if (iat != null && (!(iat instanceof Number n) || n.longValue() > now + leeway)) {
      throw rejected("the token was issued in the future (iat)");
    }
  }

  static StagecoachException rejected(String reason) {
    return new StagecoachException(ErrorCode.UNAUTHORIZED, reason);
  }

  private String mintDevelopmentToken() {
    JsonObject claims = new JsonObject()
        .put("sub", DEV_SUBJECT)
        .put("tenant", DEV_TENANT)
        .put("roles", new JsonArray().add(Role.OPERATOR.wire()));
    JWTOptions options = new JWTOptions()
        .setAlgorithm(VerificationKeys.HS256)
        .setExpiresInSeconds((int) DEV_TOKEN_TTL.toSeconds())
        .setIssuer(config.issuer())
        .setAudience(config.audience().isEmpty() ? null : new ArrayList<>(config.audience()));
    return provider.generateToken(claims, options);
  }

  private static Set<String> algorithms(AuthConfig config, boolean development) {
    Set<String> algorithms = new HashSet<>();
    if (development || config.hs256Secret() != null) {
      algorithms.add(VerificationKeys.HS256);
    }
    config.publicKeys().forEach(key -> algorithms.add(key.algorithm()));
    if (config.jwksFile() != null || config.jwksUrl() != null) {
      algorithms.addAll(AuthConfig.PUBLIC_KEY_ALGORITHMS);
    }
    return Set.copyOf(algorithms);
  }

  private static String randomSecret() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static JWTAuthOptions withJwks(JWTAuthOptions keys, List<JsonObject> jwks) {
    // A fresh options object: JWTAuthOptions' copy constructor shares its key lists.
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(keys.getJWTOptions());
    if (keys.getPubSecKeys() != null) {
      keys.getPubSecKeys().forEach(options::addPubSecKey);
    }
    if (keys.getJwks() != null) {
      keys.getJwks().forEach(options::addJwk);
    }
    jwks.forEach(options::addJwk);
    return options;
  }

  /** Reads the JWKS URL again every {@code jwksRefresh}; a failed read keeps the keys it had. */
  private void scheduleJwksRefresh() {
    if (config.jwksUrl() == null) {
      return;
    }
    refreshTimer = vertx.setPeriodic(config.jwksRefresh().toMillis(), id -> VerificationKeys.fetch(vertx, config.jwksUrl())
        .onSuccess(jwks -> provider = JWTAuth.create(vertx, withJwks(staticKeys, jwks)))
        .onFailure(e -> LOG.warn("could not refresh the JWKS, keeping the keys read before: {}", e.getMessage())));
  }
}
