package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.LogCapture;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP itself, as raw bytes on a socket: ambiguous or broken framing is a {@code 400} (an
 * unsupported version a {@code 505}) with a JSON body, then the connection closes, nothing is
 * created and nothing is logged louder than a line; a connection left idle, or whose request does
 * not arrive in time however slowly it trickles, is closed.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("HTTP framing and timeouts")
class HttpEdgesApiTest {
  /** Short, so that the tests wait fractions of a second; each test says which of the two it proves. */
  private static final long SHORT_MS = 400;
  private static final long LONG_MS = 60_000;
  private static final String SUBMISSION = "{\"type\":\"demo.noop\"}";

  private TestEngine engine;
  private Rest rest;
  private NetClient tcp;
  private LogCapture logs;

  @BeforeEach
  void attachLog() {
    logs = LogCapture.start();
  }

  @AfterEach
  void stop(VertxTestContext test) {
    logs.stop();
    (tcp == null ? Future.<Void>succeededFuture() : tcp.close())
        .compose(v -> engine == null ? Future.<Void>succeededFuture() : engine.stop())
        .onComplete(test.succeedingThenComplete());
  }

  private Future<TestEngine> start(Vertx vertx, long idleMs, long requestReadMs) {
    JsonObject http = new JsonObject().put("idleTimeoutMs", idleMs).put("requestReadTimeoutMs", requestReadMs);
    return TestEngine.start(vertx, new JsonObject().put("http", http), new JobTypeRegistry()).map(e -> {
      engine = e;
      rest = new Rest(e);
      tcp = vertx.createNetClient();
      return e;
    });
  }

  /** What the server sent on a socket until it closed it (a failure if it did not within the timeout). */
  private record Exchange(NetSocket socket, Future<String> received) {
  }

  private Future<Exchange> connect() {
    return tcp.connect(engine.port, "127.0.0.1").map(socket -> {
      Buffer received = Buffer.buffer();
      Promise<String> closed = Promise.promise();
      socket.handler(received::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete(received.toString()));
      return new Exchange(socket, closed.future().timeout(10, TimeUnit.SECONDS));
    });
  }

  /** Writes {@code request} and answers what came back before the server closed the connection. */
  private Future<String> send(String request) {
    return connect().compose(exchange -> exchange.socket().write(request).compose(v -> exchange.received()));
  }

  private String head(String method, String version, String... headers) {
    return method + " " + JOBS + " " + version + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + engine.operatorToken
        + "\r\nContent-Type: application/json\r\n" + String.join("", Stream.of(headers).map(h -> h + "\r\n").toList())
        + "\r\n";
  }

  private static String chunked(String body) {
    return Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  /** The one answer on the wire: its status, a JSON Content-Type and the contract's error body; the error. */
  private static JsonObject assertAnswer(String wire, int status, String code) {
    assertTrue(wire.startsWith("HTTP/1.1 " + status + " "), "status line: " + wire);
    int split = wire.indexOf("\r\n\r\n");
    String headers = wire.substring(0, split).toLowerCase();
    String contentType = headers.lines().filter(l -> l.startsWith("content-type:")).findFirst()
        .map(l -> l.substring("content-type:".length()).trim()).orElse(null);
    assertTrue(headers.contains("x-content-type-options: nosniff"), "security headers: " + headers);
    return assertError(status, contentType, wire.substring(split + 4), status, code);
  }

  static Stream<Arguments> brokenFraming() {
    return Stream.of(
        Arguments.of("Content-Length and Transfer-Encoding: chunked (a smuggling shape)",
            (Framing) t -> t.head("POST", "HTTP/1.1", "Content-Length: 4", "Transfer-Encoding: chunked") + chunked(SUBMISSION),
            400, "invalid_input"),
        Arguments.of("Transfer-Encoding: chunked and Content-Length, in that order",
            (Framing) t -> t.head("POST", "HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 40") + chunked(SUBMISSION),
            400, "invalid_input"),
        Arguments.of("a chunk size that is not hexadecimal",
            (Framing) t -> t.head("POST", "HTTP/1.1", "Transfer-Encoding: chunked") + "zz\r\n" + SUBMISSION + "\r\n0\r\n\r\n",
            400, "invalid_input"),
        Arguments.of("a chunk size past any length",
            (Framing) t -> t.head("POST", "HTTP/1.1", "Transfer-Encoding: chunked") + "fffffffffffffffffff\r\n" + SUBMISSION,
            400, "invalid_input"),
        Arguments.of("HTTP/9.9", (Framing) t -> t.head("POST", "HTTP/9.9", "Content-Length: " + SUBMISSION.length())
            + SUBMISSION, 505, "invalid_input"),
        Arguments.of("HTTP/2.0 in an HTTP/1 request line", (Framing) t -> t.head("GET", "HTTP/2.0"), 505, "invalid_input"));
  }

  /** A request as bytes, built once the engine (and so its token) exists. */
  interface Framing {
    String bytes(HttpEdgesApiTest test);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFraming")
  @DisplayName("ambiguous or broken framing is answered in the error format, the connection closed, nothing created, no stack trace logged")
  void brokenFramingIsRefused(String what, Framing framing, int status, String code, Vertx vertx, VertxTestContext test) {
    start(vertx, LONG_MS, LONG_MS)
        .compose(e -> rest.refused(() -> send(framing.bytes(this))))
        .onComplete(test.succeeding(wire -> test.verify(() -> {
          assertAnswer(wire, status, code);
          for (ILoggingEvent event : logs.events()) {
            assertNull(event.getThrowableProxy(), () -> "a stack trace in the log: " + event.getFormattedMessage());
            assertFalse(event.getLevel().isGreaterOrEqual(Level.ERROR), () -> "an error logged: " + event);
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a well-framed chunked submission on a raw socket is accepted: the strictness refuses only what is broken")
  void wellFramedChunkedIsAccepted(Vertx vertx, VertxTestContext test) {
    start(vertx, LONG_MS, LONG_MS)
        .compose(e -> send(head("POST", "HTTP/1.1", "Transfer-Encoding: chunked", "Connection: close") + chunked(SUBMISSION)))
        .onComplete(test.succeeding(wire -> test.verify(() -> {
          assertTrue(wire.startsWith("HTTP/1.1 202 "), wire);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a connection that sends half a request line and then nothing is closed after the idle timeout")
  void idleConnectionsAreClosed(Vertx vertx, VertxTestContext test) {
    long[] started = new long[1];
    start(vertx, SHORT_MS, LONG_MS)
        .compose(e -> {
          started[0] = System.nanoTime();
          return connect().compose(exchange -> exchange.socket().write("POST /api/v1/jo").compose(v -> exchange.received()));
        })
        .onComplete(test.succeeding(wire -> test.verify(() -> {
          assertEquals("", wire, "nothing is answered to half a request line");
          assertTrue(System.nanoTime() - started[0] >= TimeUnit.MILLISECONDS.toNanos(SHORT_MS), "not before the timeout");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a long poll outlasting the idle timeout still gets its answer (the API owed it); then the idle connection is closed")
  void longPollsAreNotIdle(Vertx vertx, VertxTestContext test) {
    long waitMs = 3 * SHORT_MS;
    long[] polled = new long[1];
    start(vertx, SHORT_MS, LONG_MS)
        .compose(e -> rest.submit(new JsonObject().put("type", "demo.noop").put("delayMs", LONG_MS)))
        .compose(job -> {
          polled[0] = System.nanoTime();
          String poll = head("GET", "HTTP/1.1", "If-None-Match: \"" + job.getLong("version") + "\"")
              .replace(JOBS + " ", JOBS + "/" + job.getString("id") + "?waitMs=" + waitMs + " ");
          return send(poll);
        })
        .onComplete(test.succeeding(wire -> test.verify(() -> {
          assertTrue(wire.startsWith("HTTP/1.1 304 "), wire);
          long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - polled[0]);
          assertTrue(elapsedMs >= waitMs + SHORT_MS, "answered after the wait, closed an idle timeout later: " + elapsedMs);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an anonymous request whose body trickles in, a byte at a time, is closed after the request-read timeout")
  void slowBodiesAreClosed(Vertx vertx, VertxTestContext test) {
    long idleMs = SHORT_MS;
    long requestReadMs = 3 * SHORT_MS;
    long[] started = new long[1];
    start(vertx, idleMs, requestReadMs)
        .compose(e -> connect())
        .compose(exchange -> {
          started[0] = System.nanoTime();
          String head = "POST " + JOBS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              + "Content-Length: 1000\r\n\r\n{";
          // A byte well inside every idle timeout: only the request-read timeout can end this.
          long trickle = vertx.setPeriodic(idleMs / 4, t -> exchange.socket().write(" "));
          return exchange.socket().write(head).compose(v -> exchange.received()).eventually(() -> {
            vertx.cancelTimer(trickle);
            return Future.succeededFuture();
          });
        })
        .onComplete(test.succeeding(wire -> test.verify(() -> {
          long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started[0]);
          assertTrue(elapsedMs >= requestReadMs, "closed after " + elapsedMs + " ms, before the request-read timeout");
          test.completeNow();
        })));
  }
}
