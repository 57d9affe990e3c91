package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deliveries to an HTTPS receiver whose certificate is self-signed for {@code localhost}: refused
 * by certificate verification, unless {@code webhooks.trustPem} names that certificate.
 */
@ExtendWith(VertxExtension.class)
class WebhookTlsTest {
  private static SelfSignedCertificate certificate;
  private TestEngine engine;
  private Receiver receiver;

  @BeforeAll
  static void createCertificate() {
    certificate = SelfSignedCertificate.create("localhost");
  }

  @AfterAll
  static void deleteCertificate() {
    certificate.delete();
  }

  @AfterEach
  void stop(VertxTestContext test) {
    Future<Void> engineStopped = engine == null ? Future.succeededFuture() : engine.stop();
    Future<Void> receiverStopped = receiver == null ? Future.succeededFuture() : receiver.stop();
    Future.all(engineStopped, receiverStopped).onComplete(test.succeedingThenComplete());
  }

  /** Starts the HTTPS receiver and an engine with {@code webhooks} settings; answers the webhook (with its secret) after a ping. */
  private Future<JsonObject> pingHttpsReceiver(Vertx vertx, JsonObject webhooks) {
    return pingHttpsReceiver(vertx, webhooks, Receiver::localhostUrl);
  }

  private Future<JsonObject> pingHttpsReceiver(Vertx vertx, JsonObject webhooks, Function<Receiver, String> url) {
    JsonObject[] webhook = new JsonObject[1];
    return Receiver.startHttps(vertx, certificate)
        .compose(r -> {
          receiver = r;
          return TestEngine.start(vertx, new JsonObject().put("webhooks", webhooks), new JobTypeRegistry());
        })
        .compose(started -> {
          engine = started;
          return engine.http.post(ApiVerticle.BASE + "/webhooks").sendJsonObject(new JsonObject()
              .put("url", url.apply(receiver)).put("events", new JsonArray().add("job.*")));
        })
        .compose(created -> {
          assertEquals(201, created.statusCode(), created.bodyAsString());
          webhook[0] = created.bodyAsJsonObject();
          return engine.http.post(ApiVerticle.BASE + "/webhooks/" + webhook[0].getString("id") + "/ping").send();
        })
        .map(ping -> {
          assertEquals(202, ping.statusCode(), ping.bodyAsString());
          return webhook[0];
        });
  }

  private Future<JsonArray> deliveries(String webhookId) {
    return engine.http.get(ApiVerticle.BASE + "/webhooks/" + webhookId + "/deliveries").send()
        .map(HttpResponse::bodyAsJsonObject)
        .map(page -> page.getJsonArray("items"));
  }

  @Test
  @DisplayName("with trustPem naming the receiver's certificate, a delivery over https arrives, to the name in the URL, and verifies")
  void trusted(Vertx vertx, VertxTestContext test) {
    String[] secret = new String[1];
    pingHttpsReceiver(vertx, new JsonObject().put("trustPem", certificate.certificatePath()))
        .compose(webhook -> {
          secret[0] = webhook.getString("secret");
          return Await.until(vertx, () -> Future.succeededFuture(receiver.received()), l -> !l.isEmpty());
        })
        .onComplete(test.succeeding(received -> test.verify(() -> {
          Receiver.Received ping = received.get(0);
          ping.verify(secret[0]);
          assertEquals("webhook.ping", ping.event().getString("type"));
          assertEquals("localhost:" + receiver.port(), ping.host());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("without trustPem the self-signed certificate fails every attempt with a TLS error in the log, and nothing arrives")
  void untrusted(Vertx vertx, VertxTestContext test) {
    pingHttpsReceiver(vertx, new JsonObject())
        .compose(webhook -> Await.until(vertx, () -> deliveries(webhook.getString("id")),
            items -> items.size() == 1 && "failed".equals(items.getJsonObject(0).getString("status"))))
        .onComplete(test.succeeding(items -> test.verify(() -> {
          JsonArray attempts = items.getJsonObject(0).getJsonArray("attempts");
          assertEquals(4, attempts.size(), "the first attempt and the schedule's three retries");
          for (Object a : attempts) {
            JsonObject attempt = (JsonObject) a;
            assertNull(attempt.getInteger("statusCode"));
            String error = attempt.getString("error");
            assertTrue(error.startsWith("SSLHandshakeException") && error.contains("certification path"), error);
            assertEquals("127.0.0.1:" + receiver.port(), attempt.getString("address"));
          }
          assertEquals(List.of(), receiver.received());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("with trustPem, the same certificate reached as https://127.0.0.1 is refused: the name is verified too")
  void nameMismatch(Vertx vertx, VertxTestContext test) {
    pingHttpsReceiver(vertx, new JsonObject().put("trustPem", certificate.certificatePath()), Receiver::url)
        .compose(webhook -> Await.until(vertx, () -> deliveries(webhook.getString("id")),
            items -> items.size() == 1 && "failed".equals(items.getJsonObject(0).getString("status"))))
        .onComplete(test.succeeding(items -> test.verify(() -> {
          String error = items.getJsonObject(0).getJsonArray("attempts").getJsonObject(0).getString("error");
          assertTrue(error.startsWith("SSLHandshakeException") && error.contains("subject alternative names"), error);
          assertEquals(List.of(), receiver.received());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("trustPem adds to the JVM's certificate authorities rather than replacing them")
  void addsToJvmDefaults(Vertx vertx, VertxTestContext test) throws Exception {
    X509Certificate self = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(Path.of(certificate.certificatePath()))));
    TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jvm.init((KeyStore) null);
    List<X509Certificate> jvmIssuers = Arrays.asList(((X509TrustManager) jvm.getTrustManagers()[0]).getAcceptedIssuers());
    EndpointTrust.load(vertx, certificate.certificatePath()).onComplete(test.succeeding(trust -> test.verify(() -> {
      X509TrustManager manager = (X509TrustManager) trust.getTrustManagerFactory(vertx).getTrustManagers()[0];
      List<X509Certificate> issuers = Arrays.asList(manager.getAcceptedIssuers());
      assertTrue(issuers.contains(self));
      assertFalse(jvmIssuers.isEmpty());
      assertTrue(issuers.containsAll(jvmIssuers));
      assertEquals(jvmIssuers.size() + 1, issuers.size());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a trustPem that holds no certificate, or cannot be read, stops the start with a message naming it")
  void badTrustPem(Vertx vertx, VertxTestContext test) throws Exception {
    Path notPem = Files.createTempFile("not-a-certificate", ".pem");
    Files.writeString(notPem, "not a certificate\n");
    Path missing = notPem.resolveSibling("missing-" + notPem.getFileName());
    startFailure(vertx, notPem)
        .compose(notPemFailure -> {
          assertTrue(notPemFailure.getMessage().contains("webhooks.trustPem " + notPem + " holds no PEM certificate"),
              notPemFailure.getMessage());
          return startFailure(vertx, missing);
        })
        .eventually(() -> vertx.fileSystem().delete(notPem.toString()))
        .onComplete(test.succeeding(missingFailure -> test.verify(() -> {
          assertTrue(missingFailure.getMessage().contains("webhooks.trustPem " + missing + " cannot be read"),
              missingFailure.getMessage());
          test.completeNow();
        })));
  }

  /** Why an engine with {@code trustPem} did not start; fails if it did. */
  private static Future<Throwable> startFailure(Vertx vertx, Path trustPem) {
    return TestEngine.start(vertx, new JsonObject().put("webhooks", new JsonObject().put("trustPem", trustPem.toString())),
            new JobTypeRegistry())
        .transform(ar -> ar.succeeded()
            ? ar.result().stop().compose(v -> Future.failedFuture(new AssertionError("started with trustPem " + trustPem)))
            : Future.succeededFuture(ar.cause()));
  }
}
