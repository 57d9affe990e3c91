package io.stagecoach.ops;

import io.stagecoach.api.ApiVerticle;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

/** Calls on a test engine's API with a given token, and readers for what the ops endpoints answer. */
final class Api {
  private final TestEngine engine;

  Api(TestEngine engine) {
    this.engine = engine;
  }

  Future<HttpResponse<Buffer>> call(String token, HttpMethod method, String path, JsonObject body) {
    var request = engine.anonymousHttp.request(method, ApiVerticle.BASE + path).putHeader("Authorization", "Bearer " + token);
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  /** The {@code items} of a list answer, which must be 200. */
  Future<List<JsonObject>> items(String token, String path) {
    return call(token, HttpMethod.GET, path, null).map(response -> {
      if (response.statusCode() != 200) {
        throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.bodyAsString());
      }
      JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
      return items.stream().map(JsonObject.class::cast).collect(Collectors.toList());
    });
  }

  static String errorCode(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonObject("error").getString("code");
  }
}
