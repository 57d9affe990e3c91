package io.stagecoach.bench;

import io.stagecoach.client.JobClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** How the benchmark hands jobs to the engine: JobClient on the bus, or HTTP with keep-alive. */
interface Submitter {
  int BATCH = 1000;
  int BATCHES_IN_FLIGHT = 4;

  /** Submits one {@code demo.noop} job; the future carries its id. */
  Future<String> submitOne();

  /** Submits {@code n} {@code demo.noop} jobs in batches, a few batches in flight at once. */
  default Future<Void> submitMany(int n) {
    List<Future<Void>> lanes = new ArrayList<>();
    int batches = (n + BATCH - 1) / BATCH;
    for (int lane = 0; lane < BATCHES_IN_FLIGHT; lane++) {
      lanes.add(lane(lane, batches, n));
    }
    return Future.all(lanes).mapEmpty();
  }

  private Future<Void> lane(int batch, int batches, int n) {
    if (batch >= batches) {
      return Future.succeededFuture();
    }
    int size = Math.min(BATCH, n - batch * BATCH);
    return submitBatch(size).compose(v -> lane(batch + BATCHES_IN_FLIGHT, batches, n));
  }

  Future<Void> submitBatch(int size);

  static JsonObject noop() {
    return new JsonObject().put("type", "demo.noop");
  }

  static Submitter bus(Vertx vertx) {
    JobClient jobs = JobClient.create(vertx);
    return new Submitter() {
      @Override
      public Future<String> submitOne() {
        return jobs.submit(noop()).map(s -> s.id());
      }

      @Override
      public Future<Void> submitBatch(int size) {
        List<JsonObject> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          batch.add(noop());
        }
        return jobs.submitBatch(batch).mapEmpty();
      }
    };
  }

  /** HTTP with keep-alive, authenticated with {@code token}. */
  static Submitter rest(Vertx vertx, int port, String token) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setDefaultHost("127.0.0.1").setDefaultPort(port), new PoolOptions().setHttp1MaxSize(8));
    return new Submitter() {
      @Override
      public Future<String> submitOne() {
        return post("/api/v1/jobs", noop().toBuffer()).map(body -> new JsonObject(body).getString("id"));
      }

      @Override
      public Future<Void> submitBatch(int size) {
        JsonArray jobs = new JsonArray();
        for (int i = 0; i < size; i++) {
          jobs.add(noop());
        }
        return post("/api/v1/jobs/batch", new JsonObject().put("jobs", jobs).toBuffer()).mapEmpty();
      }

      private Future<Buffer> post(String uri, Buffer body) {
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI(uri))
            .compose(req -> req.putHeader("Content-Type", "application/json")
                .putHeader("Authorization", "Bearer " + token)
                .send(body))
            .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2
                ? Future.succeededFuture(b)
                : Future.failedFuture("HTTP " + resp.statusCode() + ": " + b)));
      }
    };
  }
}
