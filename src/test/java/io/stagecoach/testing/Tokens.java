package io.stagecoach.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * JWTs for tests, minted with nimbus-jose-jwt — a library independent of the vertx-auth-jwt that
 * verifies them. {@code Tokens.aToken().tenant("acme").roles("viewer").sign()}; by default an
 * operator of tenant {@code default}, valid for an hour, signed with {@link #SECRET}.
 */
public final class Tokens {
  /** The HS256 secret a {@link TestEngine} verifies tokens with. */
  public static final String SECRET = "stagecoach-test-secret-0123456789abcdefghij";

  private final JWTClaimsSet.Builder claims;
  private String kid;

  private Tokens() {
    Instant now = Instant.now();
    claims = new JWTClaimsSet.Builder()
        .subject("alice")
        .claim("tenant", "default")
        .claim("roles", List.of("operator"))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  public static Tokens aToken() {
    return new Tokens();
  }

  /** A valid operator token of tenant {@code default}. */
  public static String operator() {
    return aToken().sign();
  }

  /** A valid token of {@code tenant} with {@code roles}. */
  public static String of(String tenant, String... roles) {
    return aToken().tenant(tenant).roles(roles).sign();
  }

  public Tokens subject(String subject) {
    claims.subject(subject);
    return this;
  }

  public Tokens tenant(String tenant) {
    claims.claim("tenant", tenant);
    return this;
  }

  public Tokens roles(String... roles) {
    claims.claim("roles", List.of(roles));
    return this;
  }

  /** Any claim, with any value (null removes it). */
  public Tokens claim(String name, Object value) {
    claims.claim(name, value);
    return this;
  }

  public Tokens without(String claim) {
    claims.claim(claim, null);
    return this;
  }

  public Tokens expiresAt(Instant at) {
    claims.expirationTime(Date.from(at));
    return this;
  }

  public Tokens notBefore(Instant at) {
    claims.notBeforeTime(Date.from(at));
    return this;
  }

  public Tokens issuedAt(Instant at) {
    claims.issueTime(Date.from(at));
    return this;
  }

  public Tokens issuer(String issuer) {
    claims.issuer(issuer);
    return this;
  }

  public Tokens audience(String audience) {
    claims.audience(audience);
    return this;
  }

  public Tokens kid(String keyId) {
    kid = keyId;
    return this;
  }

  /** HS256 with {@link #SECRET}. */
  public String sign() {
    return signHs256(SECRET);
  }

  public String signHs256(String secret) {
    try {
      return sign(JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  public String signRs256(KeyPair rsa) {
    return sign(JWSAlgorithm.RS256, new RSASSASigner((RSAPrivateKey) rsa.getPrivate()));
  }

  public String signEs256(KeyPair ec) {
    try {
      return sign(JWSAlgorithm.ES256, new ECDSASigner((ECPrivateKey) ec.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code alg: none}, no signature: {@code header.payload.} */
  public String unsigned() {
    return new PlainJWT(claims.build()).serialize();
  }

  private String sign(JWSAlgorithm algorithm, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).keyID(kid).build(), claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  // ---- keys ----------------------------------------------------------------------------------

  public static KeyPair rsaKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A P-256 key pair, as ES256 uses. */
  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
  public static String pem(PublicKey key) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }
}
