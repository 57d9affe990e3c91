package io.stagecoach.store.pg;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A transaction whose {@code BEGIN} and {@code COMMIT} travel with its statements instead of each
 * waiting for an answer of its own, as with {@link Pool#withTransaction}: a round trip to PostgreSQL
 * costs a wake-up on each side, and a job's latency paid for several. {@code BEGIN} goes out ahead
 * of the work's first statement. The work may send {@code COMMIT} right behind its last statement
 * ({@code commit}); otherwise it is sent once the work is done. Behind a statement that fails in
 * PostgreSQL, {@code COMMIT} rolls back, and the result is that failure. A work that pipelines
 * {@code COMMIT} sends one statement before it, so that nothing can be committed without it.
 */
final class PipelinedTransaction {
  private PipelinedTransaction() {
  }

  /** {@code COMMIT} once the work's future has succeeded; {@code ROLLBACK} once it has failed. */
  static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
    return run(pool, (conn, commit) -> work.apply(conn));
  }

  /** The work may call {@code commit} right after sending its last statement, before the answers. */
  static <T> Future<T> run(Pool pool, BiFunction<SqlConnection, Supplier<Future<Void>>, Future<T>> work) {
    return pool.getConnection().compose(conn -> {
      Future<Void> begun = conn.query("BEGIN").execute().mapEmpty();
      Commit commit = new Commit(conn);
      Future<T> done;
      try {
        done = work.apply(conn, commit::send);
      } catch (RuntimeException e) {
        done = Future.failedFuture(e);
      }
      Future<T> result = done;
      // join, not all: the transaction ends only once BEGIN and the work have both answered.
      return Future.join(begun, result)
          .transform(ar -> {
            if (ar.succeeded()) {
              return commit.send().map(v -> result.result());
            }
            Future<Void> ended = commit.sent != null ? commit.sent : conn.query("ROLLBACK").execute().mapEmpty();
            return ended.transform(v -> Future.<T>failedFuture(ar.cause()));
          })
          .onComplete(ar -> conn.close());
    });
  }

  /** Sends {@code COMMIT} once, however often it is asked. */
  private static final class Commit {
    private final SqlConnection conn;
    private Future<Void> sent;

    Commit(SqlConnection conn) {
      this.conn = conn;
    }

    Future<Void> send() {
      if (sent == null) {
        sent = conn.query("COMMIT").execute().mapEmpty();
      }
      return sent;
    }
  }
}
