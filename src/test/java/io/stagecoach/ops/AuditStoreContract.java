package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stagecoach.job.JobIds;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every {@link AuditStore} promises, through the interface alone; a store passes by subclassing this. */
@ExtendWith(VertxExtension.class)
public abstract class AuditStoreContract {
  protected MutableClock clock;
  protected AuditStore store;

  /** A new, empty store. */
  protected abstract Future<AuditStore> newStore(Vertx vertx);

  @BeforeEach
  void createStore(Vertx vertx, VertxTestContext test) {
    clock = new MutableClock();
    newStore(vertx).onComplete(test.succeeding(created -> {
      store = created;
      test.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext test) {
    (store == null ? Future.<Void>succeededFuture() : store.close()).onComplete(test.succeedingThenComplete());
  }

  private AuditEntry anEntry(String tenant, String action) {
    clock.advance(Duration.ofMillis(1));
    return new AuditEntry(JobIds.next(), clock.instant(), "ann", tenant, action, JobIds.next(),
        new JsonObject().put("status", "running"), new JsonObject().put("status", "cancelling"));
  }


  @Test
  @DisplayName("pruning deletes entries written before the cut-off, oldest first, at most the limit, and answers how many")
  void pruning(VertxTestContext test) {
    AuditEntry oldest = anEntry("acme", "job.submit");
    AuditEntry old = anEntry("globex", "job.submit");
    AuditEntry kept = anEntry("acme", "job.cancel");
    store.append(kept)
        .compose(v -> store.append(old))
        .compose(v -> store.append(oldest))
        .compose(v -> store.pruneAudit(kept.at(), 1))
        .compose(first -> store.entries(null, null, 10).map(page -> {
          assertEquals(1, first);
          assertEquals(List.of(kept, old), page.items(), "the oldest went first, within the limit");
          return null;
        }))
        .compose(v -> store.pruneAudit(kept.at(), 10))
        .compose(second -> store.entries(null, null, 10).map(page -> {
          assertEquals(1, second);
          return page;
        }))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(List.of(kept), page.items());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an entry reads back whole, before and after included, and one without them keeps nulls")
  void roundTrip(VertxTestContext test) {
    AuditEntry full = anEntry("acme", "job.cancel");
    AuditEntry bare = new AuditEntry(JobIds.next(), clock.instant(), "bob", "acme", "job.submitBatch", null, null,
        null);
    store.append(full)
        .compose(v -> store.append(bare))
        .compose(v -> store.entries("acme", null, 10))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(List.of(bare, full), page.items());
          assertNull(page.lastKey());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("entries are listed newest first, per tenant or for all, in pages that end with a null cursor")
  void listing(VertxTestContext test) {
    List<AuditEntry> acme = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      AuditEntry e = anEntry("acme", "job.submit");
      acme.add(0, e);
      chain = chain.compose(v -> store.append(e));
    }
    chain.compose(v -> store.append(anEntry("globex", "webhook.create")))
        .compose(v -> store.entries("acme", null, 2))
        .compose(first -> {
          assertEquals(acme.subList(0, 2), first.items());
          return store.entries("acme", first.lastKey(), 2);
        })
        .compose(second -> {
          assertEquals(acme.subList(2, 4), second.items());
          return store.entries("acme", second.lastKey(), 2);
        })
        .compose(third -> {
          assertEquals(acme.subList(4, 5), third.items());
          assertNull(third.lastKey());
          return store.entries(null, null, 50);
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertEquals(6, all.items().size());
          assertEquals("webhook.create", all.items().get(0).action());
          test.completeNow();
        })));
  }
}
