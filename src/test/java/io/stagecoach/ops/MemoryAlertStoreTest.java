package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.job.JobIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryAlertStoreTest extends AlertStoreContract {
  @Override
  protected Future<AlertStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemoryAlertStore());
  }

  @Test
  @DisplayName("beyond maxAlerts, each alert raised drops the oldest")
  void alertsAreCapped(VertxTestContext test) {
    MemoryAlertStore capped = new MemoryAlertStore(5);
    List<Alert> raised = IntStream.range(0, 12).mapToObj(i -> Alert.raised(JobIds.next(), "acme", Alert.JOB_TIMEOUT,
        "job-" + i, "timed out", clock.advance(Duration.ofMillis(1)))).toList();
    Future<Alert> chain = Future.succeededFuture();
    for (Alert alert : raised) {
      chain = chain.compose(v -> capped.raiseUnlessRecent(alert, Duration.ofMinutes(5)));
    }
    chain.compose(v -> capped.list(null, null, 100))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(IntStream.of(11, 10, 9, 8, 7).mapToObj(raised::get).toList(), page.items(),
              "the newest five, newest first");
          test.completeNow();
        })));
  }
}
