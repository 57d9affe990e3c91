package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input, table-driven: each request is refused with the status and error code of its
 * line, in the error format without internals, and the number of jobs does not change. Sent as
 * an operator, so that nothing is refused for want of a role.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Hostile input")
class HostileInputApiTest {
  private static final String SOME_ID = "0192f1a4-0000-7000-8000-000000000000";

  private TestEngine engine;
  private Rest rest;

  /** The engine under attack: on the memory store here, on PostgreSQL in {@link HostileInputPgApiTest}. */
  Future<TestEngine> startEngine(Vertx vertx) {
    return TestEngine.start(vertx);
  }

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    startEngine(vertx).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  /** One hostile request and the refusal it must get. */
  record Hostile(String what, HttpMethod method, String uri, String body, Map<String, String> headers, int status,
      String code) {
    @Override
    public String toString() {
      return what;
    }
  }

  private static Hostile submit(String what, String body, int status, String code) {
    return new Hostile(what, HttpMethod.POST, JOBS, body, Map.of(), status, code);
  }

  /** A demo.noop submission with one more field. */
  private static String noopWith(String field, String json) {
    return "{\"type\":\"demo.noop\",\"" + field + "\":" + json + "}";
  }

  private static String labels(int count) {
    JsonObject labels = new JsonObject();
    for (int i = 0; i < count; i++) {
      labels.put("l" + i, "v");
    }
    return labels.encode();
  }

  private static String base64(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Hostile> hostileInputs() {
    String noop = "{\"type\":\"demo.noop\"}";
    List<Hostile> cases = new ArrayList<>(List.of(
        // ---- control fields of a submission: strict types and ranges
        submit("priority past the long range (wraps to 5 if read carelessly)", noopWith("priority", "18446744073709551621"),
            400, "invalid_input"),
        submit("priority 1e300", noopWith("priority", "1e300"), 400, "invalid_input"),
        submit("priority below -1,000,000", noopWith("priority", "-1000001"), 400, "invalid_input"),
        submit("priority true", noopWith("priority", "true"), 400, "invalid_input"),
        submit("priority \"1\"", noopWith("priority", "\"1\""), 400, "invalid_input"),
        submit("maxAttempts 101", noopWith("maxAttempts", "101"), 400, "invalid_input"),
        submit("maxAttempts 2.5", noopWith("maxAttempts", "2.5"), 400, "invalid_input"),
        submit("maxAttempts []", noopWith("maxAttempts", "[]"), 400, "invalid_input"),
        submit("timeoutMs over 7 days", noopWith("timeoutMs", "604800001"), 400, "invalid_input"),
        submit("timeoutMs -5", noopWith("timeoutMs", "-5"), 400, "invalid_input"),
        submit("delayMs 1e20", noopWith("delayMs", "1e20"), 400, "invalid_input"),
        submit("delayMs \"soon\"", noopWith("delayMs", "\"soon\""), 400, "invalid_input"),
        submit("runAt month 13", noopWith("runAt", "\"2026-13-45T99:00:00Z\""), 400, "invalid_input"),
        submit("runAt \"\"", noopWith("runAt", "\"\""), 400, "invalid_input"),
        submit("runAt {}", noopWith("runAt", "{}"), 400, "invalid_input"),
        submit("lock.key empty", noopWith("lock", "{\"key\":\"\"}"), 400, "invalid_input"),
        submit("lock.key 201 characters", noopWith("lock", "{\"key\":\"" + "k".repeat(201) + "\"}"), 400, "invalid_input"),
        submit("lock.key with a space", noopWith("lock", "{\"key\":\"deploy 74\"}"), 400, "invalid_input"),
        submit("lock.key with a newline", noopWith("lock", "{\"key\":\"deploy\\n74\"}"), 400, "invalid_input"),
        submit("lock.key a number", noopWith("lock", "{\"key\":74}"), 400, "invalid_input"),
        submit("lock.onBusy a number", noopWith("lock", "{\"key\":\"k\",\"onBusy\":1}"), 400, "invalid_input"),
        submit("lock without a key", noopWith("lock", "{}"), 400, "invalid_input"),
        submit("lock as an array", noopWith("lock", "[\"k\"]"), 400, "invalid_input"),
        submit("33 labels", noopWith("labels", labels(33)), 400, "invalid_input"),
        submit("a label name of 65 characters", noopWith("labels", "{\"" + "n".repeat(65) + "\":\"v\"}"), 400, "invalid_input"),
        submit("a label name with a space", noopWith("labels", "{\"my label\":\"v\"}"), 400, "invalid_input"),
        submit("a label value of 257 characters", noopWith("labels", "{\"n\":\"" + "v".repeat(257) + "\"}"), 400,
            "invalid_input"),
        submit("a label value that is an object", noopWith("labels", "{\"n\":{\"v\":1}}"), 400, "invalid_input"),
        submit("a label value null", noopWith("labels", "{\"n\":null}"), 400, "invalid_input"),
        submit("an idempotencyKey of 201 characters", noopWith("idempotencyKey", "\"" + "i".repeat(201) + "\""), 400,
            "invalid_input"),
        submit("an idempotencyKey with a space", noopWith("idempotencyKey", "\"a b\""), 400, "invalid_input"),
        submit("an empty idempotencyKey", noopWith("idempotencyKey", "\"\""), 400, "invalid_input"),
        new Hostile("an Idempotency-Key header with spaces", HttpMethod.POST, JOBS, noop,
            Map.of("Idempotency-Key", "key with spaces"), 400, "invalid_input"),
        submit("an empty type", "{\"type\":\"\"}", 400, "invalid_input"),
        submit("a type of 10,000 characters", "{\"type\":\"" + "t".repeat(10_000) + "\"}", 422, "unknown_job_type"),
        submit("type null", "{\"type\":null}", 400, "invalid_input"),
        submit("input a number", noopWith("input", "1"), 400, "invalid_input"),
        submit("a tenant of 65 characters (even from an operator)", noopWith("tenant", "\"" + "t".repeat(65) + "\""), 400,
            "invalid_input"),
        submit("a tenant with a path in it", noopWith("tenant", "\"../acme\""), 400, "invalid_input"),
        submit("a field differing only in case (Tenant)", noopWith("Tenant", "\"acme\""), 400, "invalid_input"),
        submit("a __proto__ field", noopWith("__proto__", "{\"admin\":true}"), 400, "invalid_input"),

        // ---- the NUL character, which PostgreSQL stores nowhere: refused on every store alike
        submit("a NUL in an input string", noopWith("input", "{\"a\":\"x\\u0000y\"}"), 400, "invalid_input"),
        submit("a NUL in an input field name", noopWith("input", "{\"a\\u0000\":1}"), 400, "invalid_input"),
        submit("a NUL in a label value", noopWith("labels", "{\"n\":\"v\\u0000\"}"), 400, "invalid_input"),
        new Hostile("a NUL in the second job of a batch", HttpMethod.POST, JOBS + "/batch",
            "{\"jobs\":[" + noop + "," + noopWith("input", "{\"a\":\"\\u0000\"}") + "]}", Map.of(), 400,
            "invalid_input"),
        // ---- JSON itself
        submit("NaN", noopWith("priority", "NaN"), 400, "invalid_json"),
        submit("a body nested 65 deep in input", noopWith("input", "{\"a\":" + "[".repeat(63) + "]".repeat(63) + "}"), 400,
            "invalid_input"),
        submit("a string of 70,000 characters in input", noopWith("input", "{\"doc\":\"" + "x".repeat(70_000) + "\"}"), 400,
            "invalid_input"),
        submit("a field name of 300 characters in input", noopWith("input", "{\"" + "f".repeat(300) + "\":1}"), 400,
            "invalid_input"),
        submit("JSON with a comment", "{\"type\":\"demo.noop\" /* hi */}", 400, "invalid_json"),
        new Hostile("XML", HttpMethod.POST, JOBS, "<job><type>demo.noop</type></job>",
            Map.of("Content-Type", "application/xml"), 400, "invalid_json"),
        // ---- batches: all or nothing
        new Hostile("an empty batch", HttpMethod.POST, JOBS + "/batch", "{\"jobs\":[]}", Map.of(), 400, "invalid_input"),
        new Hostile("a batch of 1001", HttpMethod.POST, JOBS + "/batch",
            new JsonObject().put("jobs", new JsonArray(java.util.Collections.nCopies(1001, new JsonObject().put("type", "demo.noop")))).encode(),
            Map.of(), 400, "invalid_input"),
        new Hostile("a batch whose second job is bad creates not even the first", HttpMethod.POST, JOBS + "/batch",
            "{\"jobs\":[" + noop + "," + noopWith("priority", "\"x\"") + "]}", Map.of(), 400, "invalid_input"),
        new Hostile("a batch with an extra field", HttpMethod.POST, JOBS + "/batch", "{\"jobs\":[" + noop + "],\"x\":1}",
            Map.of(), 400, "invalid_input"),
        new Hostile("a batch that is a string", HttpMethod.POST, JOBS + "/batch", "{\"jobs\":\"all\"}", Map.of(), 400,
            "invalid_input"),
        // ---- query parameters
        get("limit 0", JOBS + "?limit=0", 400, "invalid_input"),
        get("limit 501", JOBS + "?limit=501", 400, "invalid_input"),
        get("limit 1e3", JOBS + "?limit=1e3", 400, "invalid_input"),
        get("limit past the long range", JOBS + "?limit=99999999999999999999", 400, "invalid_input"),
        get("a cursor of NUL bytes", JOBS + "?cursor=%00%00", 400, "invalid_input"),
        get("a cursor that decodes to no id", JOBS + "?cursor=" + base64("' OR 1=1 --"), 400, "invalid_input"),
        get("status in capitals", JOBS + "?status=QUEUED", 400, "invalid_input"),
        get("a label filter without a colon", JOBS + "?label=team", 400, "invalid_input"),
        get("33 label filters", JOBS + "?" + "label=a:b&".repeat(33), 400, "invalid_input"),
        get("afterSeq -1", JOBS + "/" + SOME_ID + "/logs?afterSeq=-1", 400, "invalid_input"),
        get("a log limit of 1001", JOBS + "/" + SOME_ID + "/logs?limit=1001", 400, "invalid_input"),
        get("waitMs not a number", JOBS + "/" + SOME_ID + "?waitMs=abc", 400, "invalid_input"),
        get("a NUL in a type filter", JOBS + "?type=demo%00noop", 400, "invalid_input"),
        get("a NUL in a label filter", JOBS + "?label=team:a%00", 400, "invalid_input"),
        // ---- ids
        get("an id that is not a UUID", JOBS + "/not-a-uuid", 400, "invalid_input"),
        get("an id in capitals", JOBS + "/" + SOME_ID.toUpperCase(), 400, "invalid_input"),
        get("an id with SQL in it", JOBS + "/%27%20OR%201%3D1%20--", 400, "invalid_input"),
        get("an id with a trailing space", JOBS + "/" + SOME_ID + "%20", 400, "invalid_input"),
        new Hostile("cancel of a malformed id", HttpMethod.POST, JOBS + "/42/cancel", null, Map.of(), 400, "invalid_input"),
        new Hostile("cancel of a job that does not exist", HttpMethod.POST, JOBS + "/" + UUID.randomUUID() + "/cancel", null,
            Map.of(), 404, "not_found"),
        new Hostile("retry of a job that does not exist", HttpMethod.POST, JOBS + "/" + UUID.randomUUID() + "/retry", null,
            Map.of(), 404, "not_found"),
        // ---- routes and methods
        new Hostile("DELETE on the job list", HttpMethod.DELETE, JOBS, null, Map.of(), 405, "method_not_allowed"),
        new Hostile("PUT on the job types", HttpMethod.PUT, "/api/v1/job-types", null, Map.of(), 405, "method_not_allowed"),
        new Hostile("TRACE on the job list", HttpMethod.TRACE, JOBS, null, Map.of(), 405, "method_not_allowed"),
        get("an unknown endpoint", "/api/v1/admin", 404, "not_found"),
        get("an unknown version", "/api/v0/jobs", 404, "not_found"),
        // ---- HTTP itself
        get("a request line over 4 KiB", JOBS + "?type=" + "t".repeat(10_000), 414, "invalid_input"),
        new Hostile("headers over 8 KiB", HttpMethod.GET, JOBS, null, Map.of("X-Padding", "p".repeat(10_000)), 431,
            "invalid_input")));
    return cases.stream();
  }

  private static Hostile get(String what, String uri, int status, String code) {
    return new Hostile(what, HttpMethod.GET, uri, null, Map.of(), status, code);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileInputs")
  @DisplayName("a hostile request is refused with a clear 4xx in the error format and creates no job")
  void refused(Hostile hostile, VertxTestContext test) {
    rest.refused(() -> {
      HttpRequest<Buffer> request = rest.prepare(hostile.method(), hostile.uri());
      hostile.headers().forEach(request::putHeader);
      if (hostile.body() == null) {
        return request.send();
      }
      if (!hostile.headers().containsKey("Content-Type")) {
        request.putHeader("Content-Type", "application/json");
      }
      return request.sendBuffer(Buffer.buffer(hostile.body()));
    }).onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, hostile.status(), hostile.code());
      assertFalse(r.bodyAsString().contains("io.stagecoach"), "no internals: " + r.bodyAsString());
      assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), "security headers on refusals too");
      test.completeNow();
    })));
  }

  /** A body that JSON-reading code could store changed, as bytes: what one reader sees, another may not. */
  record Ambiguous(String what, String uri, byte[] body) {
    @Override
    public String toString() {
      return what;
    }
  }

  private static Ambiguous ambiguous(String what, String uri, String before, byte[] bytes, String after) {
    byte[] head = before.getBytes(StandardCharsets.UTF_8);
    byte[] tail = after.getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + bytes.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(bytes, 0, body, head.length, bytes.length);
    System.arraycopy(tail, 0, body, head.length + bytes.length, tail.length);
    return new Ambiguous(what, uri, body);
  }

  private static Ambiguous ambiguous(String what, String uri, String body) {
    return ambiguous(what, uri, body, new byte[0], "");
  }

  static Stream<Ambiguous> ambiguousBodies() {
    String inInput = "{\"type\":\"demo.noop\",\"input\":{\"a\":\"";
    String end = "\"}}";
    String webhook = "\"url\":\"https://93.184.216.34/hooks\",\"events\":[\"job.*\"]";
    return Stream.of(
        ambiguous("duplicate type fields", JOBS, "{\"type\":\"demo.noop\",\"type\":\"demo.stages\"}"),
        ambiguous("a duplicate field in input", JOBS, "{\"type\":\"demo.noop\",\"input\":{\"a\":1,\"a\":2}}"),
        ambiguous("a duplicate field in a lock", JOBS, "{\"type\":\"demo.noop\",\"lock\":{\"key\":\"a\",\"key\":\"b\"}}"),
        ambiguous("a duplicate type in a batch item", JOBS + "/batch",
            "{\"jobs\":[{\"type\":\"demo.noop\",\"type\":\"demo.stages\"}]}"),
        ambiguous("a duplicate url in a webhook", "/api/v1/webhooks", "{" + webhook + ",\"url\":\"https://93.184.216.35/x\"}"),
        ambiguous("a byte that is never UTF-8 (0xFF)", JOBS, inInput, new byte[] {(byte) 0xFF}, end),
        ambiguous("a truncated UTF-8 sequence", JOBS, inInput, new byte[] {(byte) 0xE2, (byte) 0x82}, end),
        ambiguous("an overlong encoding of '/'", JOBS, inInput, new byte[] {(byte) 0xC0, (byte) 0xAF}, end),
        ambiguous("a surrogate encoded in UTF-8 (CESU)", JOBS, inInput, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, end),
        ambiguous("invalid UTF-8 in a webhook description", "/api/v1/webhooks", "{" + webhook + ",\"description\":\"",
            new byte[] {(byte) 0xFE}, "\"}"),
        ambiguous("a lone high surrogate escape", JOBS, inInput + "\\ud800" + end),
        ambiguous("a lone low surrogate escape in a label", JOBS, "{\"type\":\"demo.noop\",\"labels\":{\"n\":\"\\udc00\"}}"),
        ambiguous("a lone surrogate escape in a field name", JOBS, "{\"type\":\"demo.noop\",\"input\":{\"\\ud800\":1}}"),
        ambiguous("surrogates in the wrong order", JOBS, inInput + "\\ude00\\ud83d" + end),
        ambiguous("a lone surrogate escape in a batch item", JOBS + "/batch",
            "{\"jobs\":[{\"type\":\"demo.noop\",\"input\":{\"a\":\"\\udfff\"}}]}"),
        ambiguous("a lone surrogate escape in a webhook description", "/api/v1/webhooks",
            "{" + webhook + ",\"description\":\"\\ud800\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguousBodies")
  @DisplayName("a body that could be stored changed (duplicate keys, invalid UTF-8, lone surrogates) is 400 invalid_json and stores nothing")
  void ambiguousBodiesAreRefused(Ambiguous ambiguous, VertxTestContext test) {
    rest.refused(() -> rest.prepare(HttpMethod.POST, ambiguous.uri()).putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(ambiguous.body())))
        .compose(r -> rest.get("/api/v1/webhooks").map(webhooks -> {
          test.verify(() -> {
            assertError(r, 400, "invalid_json");
            assertEquals(0, webhooks.bodyAsJsonObject().getJsonArray("items").size(), "no webhook was created");
          });
          return r;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a surrogate pair, escaped or as UTF-8, is a character like any other and is stored as sent")
  void surrogatePairsAreKept(VertxTestContext test) {
    String escaped = "{\"type\":\"demo.noop\",\"input\":{\"a\":\"\\ud83d\\ude00\",\"b\":\"\ud83d\ude00\u00e9\"}}";
    rest.post(JOBS, escaped).onComplete(test.succeeding(r -> test.verify(() -> {
      assertEquals(202, r.statusCode(), r.bodyAsString());
      JsonObject input = r.bodyAsJsonObject().getJsonObject("input");
      assertEquals("\ud83d\ude00", input.getString("a"));
      assertEquals("\ud83d\ude00\u00e9", input.getString("b"));
      test.completeNow();
    })));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("the table holds at least 40 hostile requests")
  void enough() {
    assertEquals(true, hostileInputs().count() >= 40, "only " + hostileInputs().count());
  }
}
