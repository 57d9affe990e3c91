package io.stagecoach.store.pg;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/**
 * {@link Pool#withTransaction} without its wait for {@code BEGIN}: the work's first statements go
 * out behind {@code BEGIN} in the same write, saving a round trip per transaction (it showed in
 * every job's latency, which pays for two). A failed {@code BEGIN} fails the statements behind it,
 * and the transaction is rolled back as after any failure.
 */
final class PipelinedTransaction {
  private PipelinedTransaction() {
  }

  static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      Future<Transaction> begun = conn.begin();
      Future<T> done;
      try {
        done = work.apply(conn);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      Future<T> result = done;
      // join, not all: a failed statement must not roll back before BEGIN has answered.
      return Future.join(begun, result)
          .transform(ar -> ar.succeeded()
              ? begun.result().commit().map(v -> result.result())
              : rollback(begun).transform(v -> Future.<T>failedFuture(ar.cause())))
          .onComplete(ar -> conn.close());
    });
  }

  private static Future<Void> rollback(Future<Transaction> begun) {
    return begun.succeeded() ? begun.result().rollback().recover(e -> Future.succeededFuture())
        : Future.succeededFuture();
  }
}
