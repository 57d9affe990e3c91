package io.stagecoach.webhook;

import com.standardwebhooks.Webhook;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A real webhook receiver for tests: an HTTP (or HTTPS) server on a free port that records every
 * request and answers as its behaviour says (by default {@code 204}).
 */
final class Receiver {
  /** One request as it arrived. */
  record Received(int index, String path, String host, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.get(0);
    }

    String webhookId() {
      return header("webhook-id");
    }

    JsonObject event() {
      return new JsonObject(body);
    }

    /** Verifies the request with the independent Standard Webhooks library; throws if it does not verify. */
    void verify(String secret) throws Exception {
      new Webhook(secret).verify(body, headers);
    }

    boolean verifies(String secret) {
      try {
        verify(secret);
        return true;
      } catch (Exception e) {
        return false;
      }
    }
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile BiConsumer<Integer, HttpServerRequest> behaviour = (i, request) -> request.response().setStatusCode(204).end();
  private HttpServer server;
  private String scheme;

  static Future<Receiver> start(Vertx vertx) {
    return start(vertx, new HttpServerOptions(), "http");
  }

  /** A receiver on HTTPS, presenting {@code certificate}. */
  static Future<Receiver> startHttps(Vertx vertx, SelfSignedCertificate certificate) {
    return start(vertx, new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate.keyCertOptions()), "https");
  }

  private static Future<Receiver> start(Vertx vertx, HttpServerOptions options, String scheme) {
    Receiver receiver = new Receiver();
    receiver.scheme = scheme;
    return vertx.createHttpServer(options)
        .requestHandler(receiver::handle)
        .listen(0, "127.0.0.1")
        .map(server -> {
          receiver.server = server;
          return receiver;
        });
  }

  /** Answers request {@code i} (0 for the first) however {@code answer} says. */
  Receiver answering(BiConsumer<Integer, HttpServerRequest> answer) {
    behaviour = answer;
    return this;
  }

  /** Answers every request with {@code status}. */
  Receiver answering(int status) {
    return answering((i, request) -> request.response().setStatusCode(status).end("status " + status));
  }

  /** Never answers: the request hangs until the sender gives up. */
  Receiver hanging() {
    return answering((i, request) -> { });
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, List<String>> headers = new HashMap<>();
      request.headers().forEach(e -> headers.computeIfAbsent(e.getKey().toLowerCase(), k -> new CopyOnWriteArrayList<>())
          .add(e.getValue()));
      int index;
      synchronized (this) {
        index = received.size();
        received.add(new Received(index, request.uri(), request.getHeader("host"), headers, body.toString()));
      }
      behaviour.accept(index, request);
    });
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests whose event has {@code type}. */
  List<Received> ofType(String type) {
    return received.stream().filter(r -> type.equals(r.event().getString("type"))).toList();
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return scheme + "://127.0.0.1:" + port() + "/hooks";
  }

  /** The same server through the name {@code localhost}. */
  String localhostUrl() {
    return scheme + "://localhost:" + port() + "/hooks";
  }

  Future<Void> stop() {
    return server.close();
  }
}
