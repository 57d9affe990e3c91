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

class MemoryAuditStoreTest extends AuditStoreContract {
  @Override
  protected Future<AuditStore> newStore(Vertx vertx) {
    return Future.succeededFuture(new MemoryAuditStore());
  }

  @Test
  @DisplayName("beyond maxEntries, each entry appended drops the oldest")
  void entriesAreCapped(VertxTestContext test) {
    MemoryAuditStore capped = new MemoryAuditStore(5);
    List<AuditEntry> written = IntStream.range(0, 12).mapToObj(i -> new AuditEntry(JobIds.next(),
        clock.advance(Duration.ofMillis(1)), "ann", "acme", "job.submit", JobIds.next(), null, null)).toList();
    Future<Void> appended = Future.succeededFuture();
    for (AuditEntry entry : written) {
      appended = appended.compose(v -> capped.append(entry));
    }
    appended.compose(v -> capped.entries(null, null, 100))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(IntStream.of(11, 10, 9, 8, 7).mapToObj(written::get).toList(), page.items(),
              "the newest five, newest first");
          test.completeNow();
        })));
  }
}
