package io.stagecoach.webhook;

import io.stagecoach.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities {@code https} endpoints are verified against when
 * {@code webhooks.trustPem} is set: the JVM's default ones and the file's, together. Vert.x trust
 * options replace the JVM's defaults rather than add to them, so both sets go into one trust store;
 * a public endpoint therefore keeps verifying as it did without the setting.
 */
final class EndpointTrust {
  private EndpointTrust() {
  }

  /** The trust options for {@code pemFile}; null (the JVM's defaults) when it is null. Fails with a {@link ConfigException}. */
  static Future<TrustOptions> load(Vertx vertx, String pemFile) {
    if (pemFile == null) {
      return Future.succeededFuture();
    }
    // Reads the file and the JVM's cacerts: blocking, once, at start-up.
    return vertx.executeBlocking(() -> withDefaults(pemFile, Files.readAllBytes(Path.of(pemFile))), false)
        .recover(e -> Future.failedFuture(e instanceof ConfigException ? e
            : new ConfigException("webhooks.trustPem " + pemFile + " cannot be read (" + e.getClass().getSimpleName() + ")")));
  }

  private static TrustOptions withDefaults(String pemFile, byte[] pem) throws GeneralSecurityException, IOException {
    Collection<? extends Certificate> extra = certificates(pemFile, pem);
    KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
    anchors.load(null, null);
    int n = 0;
    for (X509Certificate ca : jvmDefaults()) {
      anchors.setCertificateEntry("jvm-" + n++, ca);
    }
    for (Certificate ca : extra) {
      anchors.setCertificateEntry("trustPem-" + n++, ca);
    }
    TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    combined.init(anchors);
    return TrustOptions.wrap(combined);
  }

  private static Collection<? extends Certificate> certificates(String pemFile, byte[] pem) {
    Collection<? extends Certificate> certificates;
    try {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (CertificateException e) {
      throw notPem(pemFile);
    }
    if (certificates.isEmpty()) {
      throw notPem(pemFile);
    }
    return certificates;
  }

  private static ConfigException notPem(String pemFile) {
    return new ConfigException("webhooks.trustPem " + pemFile + " holds no PEM certificate");
  }

  private static X509Certificate[] jvmDefaults() throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init((KeyStore) null);
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509.getAcceptedIssuers();
      }
    }
    return new X509Certificate[0];
  }
}
