package io.stagecoach.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.Await;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The REST API as a client on the real port sees it: requests, a few typed shortcuts, and the
 * checks every error answer must pass (SPEC §5: the error shape, JSON, never a stack trace).
 */
final class Rest {
  static final String JOBS = "/api/v1/jobs";
  /** The list endpoint at its largest page: the job count of a test engine. */
  private static final String ALL_JOBS = JOBS + "?limit=500";

  private final Vertx vertx;
  private final WebClient http;
  /** The bearer token sent with every request; null sends none. */
  private final String token;
  /** An operator's token, with which {@link #jobCount()} sees every tenant's jobs. */
  private final String operatorToken;

  /** As the engine's operator, through a client that adds no token of its own. */
  Rest(TestEngine engine) {
    this(engine.vertx, engine.anonymousHttp, engine.operatorToken);
  }

  /** As {@code operatorToken}'s holder. */
  Rest(Vertx vertx, WebClient http, String operatorToken) {
    this(vertx, http, operatorToken, operatorToken);
  }

  private Rest(Vertx vertx, WebClient http, String token, String operatorToken) {
    this.vertx = vertx;
    this.http = http;
    this.token = token;
    this.operatorToken = operatorToken;
  }

  /** The same API, with {@code otherToken} (null: none) on every request. */
  Rest as(String otherToken) {
    return new Rest(vertx, http, otherToken, operatorToken);
  }

  Rest anonymous() {
    return as(null);
  }

  Future<HttpResponse<Buffer>> get(String uri) {
    return prepare(HttpMethod.GET, uri).send();
  }

  Future<HttpResponse<Buffer>> get(String uri, String ifNoneMatch) {
    return prepare(HttpMethod.GET, uri).putHeader("If-None-Match", ifNoneMatch).send();
  }

  Future<HttpResponse<Buffer>> post(String uri, JsonObject body) {
    return prepare(HttpMethod.POST, uri).sendJsonObject(body);
  }

  /** Sends {@code text} as it is, labelled JSON: for bodies a JsonObject cannot hold. */
  Future<HttpResponse<Buffer>> post(String uri, String text) {
    return prepare(HttpMethod.POST, uri).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(text));
  }

  /** POST with no body at all: the action endpoints. */
  Future<HttpResponse<Buffer>> post(String uri) {
    return prepare(HttpMethod.POST, uri).send();
  }

  Future<HttpResponse<Buffer>> request(HttpMethod method, String uri) {
    return prepare(method, uri).send();
  }

  /** A request with this Rest's token, to add headers to before sending. */
  HttpRequest<Buffer> prepare(HttpMethod method, String uri) {
    HttpRequest<Buffer> request = http.request(method, uri);
    return token == null ? request : request.putHeader("Authorization", "Bearer " + token);
  }

  /** Submits and expects {@code 202}; the created record. */
  Future<JsonObject> submit(JsonObject submission) {
    return post(JOBS, submission).map(r -> {
      assertStatus(r, 202);
      return r.bodyAsJsonObject();
    });
  }

  /** The record of a job that exists. */
  Future<JsonObject> job(String id) {
    return get(JOBS + "/" + id).map(r -> {
      assertStatus(r, 200);
      return r.bodyAsJsonObject();
    });
  }

  /** The job's record, polled over REST until {@code condition} holds. */
  Future<JsonObject> awaitJob(String id, Predicate<JsonObject> condition) {
    return Await.until(vertx, () -> job(id), condition);
  }

  Future<JsonObject> awaitStatus(String id, String status) {
    return awaitJob(id, job -> status.equals(job.getString("status")));
  }

  /** How many jobs the engine holds (every tenant's), as {@code GET /jobs?limit=500} lists them to an operator. */
  Future<Integer> jobCount() {
    return as(operatorToken).get(ALL_JOBS).map(r -> {
      assertStatus(r, 200);
      return r.bodyAsJsonObject().getJsonArray("items").size();
    });
  }

  /** Runs a request that must be refused, and checks that it created no job. */
  <T> Future<T> refused(Supplier<Future<T>> request) {
    return jobCount().compose(before -> request.get().compose(response -> jobCount().map(after -> {
      assertEquals(before, after, () -> "a refused request changed the number of jobs; answer was "
          + (response instanceof HttpResponse<?> r ? r.statusCode() + " " + r.bodyAsString() : response));
      return response;
    })));
  }

  static void assertStatus(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), () -> "unexpected answer: " + response.bodyAsString());
  }

  /**
   * The answer is the contract's error: this status, Content-Type JSON, and exactly
   * {@code {"error": {"code", "message", "details"}}} with no trace of Java internals. The error.
   */
  static JsonObject assertError(HttpResponse<Buffer> response, int status, String code) {
    return assertError(response.statusCode(), response.getHeader("Content-Type"), response.bodyAsString(), status, code);
  }

  /** {@link #assertError(HttpResponse, int, String)} for an answer read without the web client. */
  static JsonObject assertError(int actualStatus, String contentType, String text, int status, String code) {
    assertEquals(status, actualStatus, () -> "unexpected answer: " + text);
    assertNotNull(contentType, "an error answer has a Content-Type");
    assertTrue(contentType.startsWith("application/json"), "error Content-Type is " + contentType);
    assertFalse(text.contains("at io."), "error body shows a stack trace: " + text);
    assertFalse(text.contains("Exception"), "error body names an exception: " + text);
    JsonObject body = new JsonObject(text);
    assertEquals(1, body.size(), "the error body holds only \"error\": " + text);
    JsonObject error = body.getJsonObject("error");
    assertNotNull(error, "no \"error\" object in " + text);
    assertEquals(code, error.getString("code"), text);
    assertTrue(error.getValue("message") instanceof String m && !m.isBlank(), "error.message is a sentence: " + text);
    assertTrue(error.getValue("details") instanceof JsonObject, "error.details is an object: " + text);
    return error;
  }

  /** {@link #assertError} for a refused input, also naming the field the error points at. */
  static void assertInvalidField(HttpResponse<Buffer> response, String field) {
    JsonObject error = assertError(response, 400, "invalid_input");
    assertEquals(field, error.getJsonObject("details").getString("field"), error::encode);
  }
}
