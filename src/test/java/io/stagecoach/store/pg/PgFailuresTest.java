package io.stagecoach.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("PostgreSQL failures as callers see them")
class PgFailuresTest {

  @ParameterizedTest(name = "SQLSTATE {0}")
  @ValueSource(strings = {"08006", "28P01", "3D000", "53300", "57P01", "40001", "40P01"})
  @DisplayName("an unreachable, refusing or shutting-down database, and a rollback worth retrying, are unavailable")
  void unavailable(String sqlState) {
    PgException failure = new PgException("terminating connection due to administrator command", "FATAL", sqlState,
        "detail");
    StagecoachException seen = (StagecoachException) PgFailures.translated(failure);
    assertEquals(ErrorCode.UNAVAILABLE, seen.code());
    assertEquals(PgFailures.MESSAGE, seen.getMessage(), "nothing of PostgreSQL's text, severity or code");
    assertEquals("{\"error\":{\"code\":\"unavailable\",\"message\":\"the store is unavailable\",\"details\":{}}}",
        seen.toJson().encode());
    assertSame(failure, seen.getCause(), "the cause is kept for the log");
  }

  @ParameterizedTest(name = "SQLSTATE {0}")
  @ValueSource(strings = {"23505", "42601", "22P02"})
  @DisplayName("a constraint or a bad statement keeps its cause")
  void kept(String sqlState) {
    PgException failure = new PgException("boom", "ERROR", sqlState, "detail");
    assertSame(failure, PgFailures.translated(failure));
  }
}
