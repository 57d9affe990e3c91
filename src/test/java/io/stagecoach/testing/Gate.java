package io.stagecoach.testing;

import io.stagecoach.runner.JobType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A job type whose jobs run until the test opens the gate: for holding a worker slot or a lock
 * for exactly as long as a test needs. Records the order jobs started in.
 */
public final class Gate {
  private final Promise<Void> open = Promise.promise();
  private final List<String> started = new CopyOnWriteArrayList<>();
  private final List<Long> fencingTokens = new CopyOnWriteArrayList<>();

  public JobType type(String key) {
    return JobType.builder(key).handler(ctx -> {
      started.add(ctx.jobId());
      if (ctx.fencingToken() != null) {
        fencingTokens.add(ctx.fencingToken());
      }
      return open.future().map(v -> new JsonObject().put("label", ctx.input().getString("label")));
    });
  }

  public void open() {
    open.tryComplete();
  }

  /** Ids of the jobs that started, in order. */
  public List<String> started() {
    return List.copyOf(started);
  }

  public List<Long> fencingTokens() {
    return List.copyOf(fencingTokens);
  }

  /** Completes once {@code count} jobs have started. */
  public Future<Void> awaitStarted(io.vertx.core.Vertx vertx, int count) {
    return Await.until(vertx, () -> Future.succeededFuture(started.size()), n -> n >= count).mapEmpty();
  }
}
