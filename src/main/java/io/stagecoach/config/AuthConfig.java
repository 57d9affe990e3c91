package io.stagecoach.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who may call the REST API: how bearer tokens (JWTs) are verified, and what browsers may do.
 * With no key configured at all ({@link #isDevelopment()}) the API makes a random HS256 secret at
 * start-up and prints a development token; it then refuses to listen on anything but loopback.
 *
 * @param hs256Secret shared HS256 secret, at least {@value #MIN_SECRET_LENGTH} characters (env
 *     {@code STAGECOACH_JWT_SECRET}); defaults to none
 * @param publicKeys RS256/ES256 (and RS/PS/ES 384/512) public keys in PEM, inline or in a file; defaults to none
 * @param jwksFile a JSON Web Key Set file ({@code {"keys": [...]}}) of verification keys; defaults to none
 * @param jwksUrl a JSON Web Key Set URL, read at start-up and every {@code jwksRefresh}; defaults to none
 * @param jwksRefresh how often {@code jwksUrl} is read again; defaults to 15 minutes
 * @param issuer the {@code iss} every token must carry; defaults to none (not checked)
 * @param audience the {@code aud} values a token must name one of; defaults to none (not checked)
 * @param leeway clock skew allowed on {@code exp}, {@code nbf} and {@code iat}; defaults to {@value #DEFAULT_LEEWAY_SECONDS} s
 * @param protectMetrics whether {@code GET /metrics} needs an operator token; defaults to true
 * @param corsOrigins browser origins allowed to call the API ({@code *} for any); defaults to none: CORS off
 * @param devTokenFile where the development token is also written (owner-only), when in development; defaults to none
 */
public record AuthConfig(String hs256Secret, List<PublicKey> publicKeys, String jwksFile, String jwksUrl,
    Duration jwksRefresh, String issuer, List<String> audience, Duration leeway, boolean protectMetrics,
    List<String> corsOrigins, String devTokenFile) {
  public static final int MIN_SECRET_LENGTH = 32;
  public static final int DEFAULT_LEEWAY_SECONDS = 30;
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(DEFAULT_LEEWAY_SECONDS);
  public static final Duration DEFAULT_JWKS_REFRESH = Duration.ofMinutes(15);
  public static final boolean DEFAULT_PROTECT_METRICS = true;
  /** Signature algorithms a public key may be configured for. */
  public static final Set<String> PUBLIC_KEY_ALGORITHMS =
      Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
  private static final Pattern ORIGIN = Pattern.compile("https?://[^/\\s?#]+");

  /**
   * One PEM public key.
   *
   * @param algorithm the JWS algorithm it verifies, such as {@code RS256} or {@code ES256}
   * @param pem the key itself ({@code -----BEGIN PUBLIC KEY-----...}), or null when {@code pemFile} is given
   * @param pemFile a file holding the key, or null when {@code pem} is given
   * @param kid the key id tokens name in their header, or null to try the key on every token of its algorithm
   */
  public record PublicKey(String algorithm, String pem, String pemFile, String kid) {
    static PublicKey read(Section s) {
      String algorithm = s.string("algorithm", null);
      if (algorithm == null || !PUBLIC_KEY_ALGORITHMS.contains(algorithm)) {
        throw new ConfigException("auth.publicKeys[].algorithm must be one of " + new TreeSet<>(PUBLIC_KEY_ALGORITHMS));
      }
      String pem = s.string("pem", null);
      String pemFile = s.string("pemFile", null);
      if ((pem == null) == (pemFile == null)) {
        throw new ConfigException("auth.publicKeys[] needs exactly one of pem and pemFile");
      }
      PublicKey key = new PublicKey(algorithm, pem, pemFile, s.string("kid", null));
      s.rejectUnknownKeys();
      return key;
    }

    @Override
    public String toString() {
      return "PublicKey[" + algorithm + (pemFile != null ? ", " + pemFile : ", inline PEM") + (kid != null ? ", kid " + kid : "") + "]";
    }
  }

  /** No secret, key or key set configured: the API makes its own secret and a development token. */
  public boolean isDevelopment() {
    return hs256Secret == null && publicKeys.isEmpty() && jwksFile == null && jwksUrl == null;
  }

  static AuthConfig read(Section s) {
    String secret = s.string("hs256Secret", null);
    if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
      throw new ConfigException("auth.hs256Secret (or STAGECOACH_JWT_SECRET) must be at least " + MIN_SECRET_LENGTH
          + " characters; a shorter HS256 secret can be guessed");
    }
    List<PublicKey> keys = s.sections("publicKeys").stream().map(PublicKey::read).toList();
    String jwksUrl = s.string("jwksUrl", null);
    if (jwksUrl != null && !jwksUrl.startsWith("https://") && !jwksUrl.startsWith("http://")) {
      throw new ConfigException("auth.jwksUrl must be an http:// or https:// URL");
    }
    List<String> origins = s.strings("corsOrigins");
    for (String origin : origins) {
      if (!"*".equals(origin) && !ORIGIN.matcher(origin).matches()) {
        throw new ConfigException("auth.corsOrigins entries are origins such as https://console.example.com (or *), not '"
            + origin + "'");
      }
    }
    return new AuthConfig(secret, keys, s.string("jwksFile", null), jwksUrl,
        s.millis("jwksRefreshMs", DEFAULT_JWKS_REFRESH, Duration.ofSeconds(10)),
        s.string("issuer", null),
        s.strings("audience"),
        Duration.ofSeconds(s.integer("leewaySeconds", DEFAULT_LEEWAY_SECONDS, 0, 600)),
        s.bool("protectMetrics", DEFAULT_PROTECT_METRICS),
        origins,
        s.string("devTokenFile", null));
  }

  /** Never shows the secret or inline keys: a config may end up in a log. */
  @Override
  public String toString() {
    return "AuthConfig[hs256Secret=" + (hs256Secret == null ? "none" : "(set)") + ", publicKeys=" + publicKeys
        + ", jwksFile=" + jwksFile + ", jwksUrl=" + jwksUrl + ", jwksRefresh=" + jwksRefresh + ", issuer=" + issuer
        + ", audience=" + audience + ", leeway=" + leeway + ", protectMetrics=" + protectMetrics
        + ", corsOrigins=" + corsOrigins + ", devTokenFile=" + devTokenFile + "]";
  }
}
