package io.stagecoach.store.pg;

import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what the PostgreSQL client fails with into the contract's errors: a database that cannot
 * be reached, refuses us or is shutting down, or a transaction it rolled back to break a deadlock,
 * is {@code unavailable}; anything else (a bug in a
 * statement, a constraint) keeps its cause.
 */
public final class PgFailures {
  /** The message of every {@code unavailable} this class makes. */
  public static final String MESSAGE = "the store is unavailable";

  private PgFailures() {
  }

  /** A failure as callers should see it: a lost or refused connection becomes {@code unavailable}. */
  public static <T> Future<T> translate(Throwable failure) {
    return Future.failedFuture(translated(failure));
  }

  static Throwable translated(Throwable failure) {
    if (failure instanceof StagecoachException) {
      return failure;
    }
    if (failure instanceof PgException pg) {
      return isUnavailable(pg.getSqlState()) ? unavailable(failure) : failure;
    }
    if (failure instanceof IOException || failure instanceof TimeoutException || failure instanceof VertxException) {
      // Connection refused or reset, connect or pool-wait timeout, connection closed, pool too busy.
      return unavailable(failure);
    }
    return failure;
  }

  /**
   * Connection exceptions (08), invalid authorization (28), unknown database (3D), insufficient
   * resources such as too many connections (53), operator intervention such as a shutdown (57P),
   * and the transaction rollbacks that succeed when tried again (40001 serialization failure,
   * 40P01 deadlock): callers that retry on {@code unavailable} then retry those too.
   */
  private static boolean isUnavailable(String sqlState) {
    return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("28") || sqlState.startsWith("3D")
        || sqlState.startsWith("53") || sqlState.startsWith("57P") || sqlState.equals("40001")
        || sqlState.equals("40P01"));
  }

  /** What the client is told names no server, address or PostgreSQL text: those stay with the cause, for the log. */
  private static StagecoachException unavailable(Throwable cause) {
    return StagecoachException.unavailable(MESSAGE, cause);
  }
}
