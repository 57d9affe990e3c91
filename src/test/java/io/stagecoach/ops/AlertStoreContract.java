package io.stagecoach.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stagecoach.job.JobIds;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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

/** What every {@link AlertStore} promises, through the interface alone; a store passes by subclassing this. */
@ExtendWith(VertxExtension.class)
public abstract class AlertStoreContract {
  private static final Duration WINDOW = Duration.ofMinutes(5);

  protected MutableClock clock;
  protected AlertStore store;

  /** A new, empty store. */
  protected abstract Future<AlertStore> newStore(Vertx vertx);

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

  private Alert anAlert(String tenant, String type, String subject) {
    return Alert.raised(JobIds.next(), tenant, type, subject, type + " of " + subject, clock.instant());
  }


  @Test
  @DisplayName("pruning deletes alerts raised before the cut-off, oldest first, at most the limit, and answers how many")
  void pruning(VertxTestContext test) {
    Alert oldest = anAlert("acme", Alert.JOB_FAILING, "a");
    clock.advance(Duration.ofMillis(1));
    Alert old = anAlert("globex", Alert.JOB_FAILING, "b");
    clock.advance(Duration.ofMillis(1));
    Alert kept = anAlert("acme", Alert.JOB_FAILING, "c");
    Duration noDedup = Duration.ZERO;
    store.raiseUnlessRecent(kept, noDedup)
        .compose(v -> store.raiseUnlessRecent(old, noDedup))
        .compose(v -> store.raiseUnlessRecent(oldest, noDedup))
        .compose(v -> store.pruneAlerts(kept.raisedAt(), 1))
        .compose(first -> store.list(null, null, 10).map(page -> {
          assertEquals(1, first);
          assertEquals(List.of(kept.id(), old.id()), page.items().stream().map(Alert::id).toList(),
              "the oldest went first, within the limit");
          return null;
        }))
        .compose(v -> store.pruneAlerts(kept.raisedAt(), 10))
        .compose(second -> store.list(null, null, 10).map(page -> {
          assertEquals(1, second);
          return page;
        }))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(List.of(kept.id()), page.items().stream().map(Alert::id).toList());
          test.completeNow();
        })));
  }
  @Test
  @DisplayName("a raised alert reads back as it was raised, and an unknown or malformed id reads as null")
  void roundTrip(VertxTestContext test) {
    Alert alert = anAlert("acme", Alert.JOB_FAILING, "demo.fail");
    store.raiseUnlessRecent(alert, WINDOW)
        .compose(stored -> {
          assertEquals(alert, stored);
          return Future.all(store.get(alert.id()), store.get(JobIds.next()), store.get("not-a-uuid"));
        })
        .onComplete(test.succeeding(read -> test.verify(() -> {
          assertEquals(alert, read.resultAt(0));
          assertNull(read.resultAt(1));
          assertNull(read.resultAt(2));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the same tenant, type and subject within the window is raised once; after it, or for another subject or tenant, again")
  void dedup(VertxTestContext test) {
    store.raiseUnlessRecent(anAlert("acme", Alert.JOB_FAILING, "demo.fail"), WINDOW)
        .compose(first -> {
          assertNotNull(first);
          clock.advance(WINDOW.minusSeconds(1));
          return Future.all(
              store.raiseUnlessRecent(anAlert("acme", Alert.JOB_FAILING, "demo.fail"), WINDOW),
              store.raiseUnlessRecent(anAlert("acme", Alert.JOB_FAILING, "demo.other"), WINDOW),
              store.raiseUnlessRecent(anAlert("acme", Alert.JOB_TIMEOUT, "demo.fail"), WINDOW),
              store.raiseUnlessRecent(anAlert("globex", Alert.JOB_FAILING, "demo.fail"), WINDOW));
        })
        .compose(within -> {
          assertNull(within.resultAt(0), "a duplicate within the window");
          assertNotNull(within.resultAt(1));
          assertNotNull(within.resultAt(2));
          assertNotNull(within.resultAt(3));
          clock.advance(Duration.ofSeconds(2));
          return store.raiseUnlessRecent(anAlert("acme", Alert.JOB_FAILING, "demo.fail"), WINDOW);
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertNotNull(after, "the window has passed");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("raises racing for one tenant, type and subject store exactly one alert")
  void racingRaises(VertxTestContext test) {
    List<Future<Alert>> raises = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      raises.add(store.raiseUnlessRecent(anAlert("acme", Alert.WEBHOOK_DISABLED, "w1"), WINDOW));
    }
    Future.all(raises).compose(done -> store.list("acme", null, 50))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(1, raises.stream().filter(r -> r.result() != null).count());
          assertEquals(1, page.items().size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("lists are newest first, per tenant or for all, in pages that end with a null cursor")
  void listing(VertxTestContext test) {
    List<Alert> acme = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      Alert a = anAlert("acme", Alert.JOB_TIMEOUT, "job-" + i);
      acme.add(0, a);
      chain = chain.compose(v -> store.raiseUnlessRecent(a, WINDOW).mapEmpty());
    }
    chain.compose(v -> store.raiseUnlessRecent(anAlert("globex", Alert.JOB_TIMEOUT, "job-x"), WINDOW))
        .compose(v -> store.list("acme", null, 3))
        .compose(first -> {
          assertEquals(acme.subList(0, 3), first.items());
          assertEquals(acme.get(2).id(), first.lastKey());
          return store.list("acme", first.lastKey(), 3);
        })
        .compose(second -> {
          assertEquals(acme.subList(3, 5), second.items());
          assertNull(second.lastKey());
          return store.list(null, null, 50);
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertEquals(6, all.items().size());
          assertEquals("globex", all.items().get(0).tenant());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("acknowledging records who and when; a second acknowledgement keeps the first; an unknown alert is null")
  void acknowledge(VertxTestContext test) {
    Alert alert = anAlert("acme", Alert.JOB_FAILING, "demo.fail");
    store.raiseUnlessRecent(alert, WINDOW)
        .compose(raised -> store.acknowledge(alert.id(), "ann", clock.instant()))
        .compose(acked -> {
          assertEquals("ann", acked.acknowledgedBy());
          assertEquals(clock.instant(), acked.acknowledgedAt());
          clock.advance(Duration.ofMinutes(1));
          return store.acknowledge(alert.id(), "bob", clock.instant());
        })
        .compose(again -> {
          assertEquals("ann", again.acknowledgedBy());
          return Future.all(store.get(alert.id()), store.acknowledge(JobIds.next(), "ann", clock.instant()));
        })
        .onComplete(test.succeeding(read -> test.verify(() -> {
          Alert stored = read.resultAt(0);
          assertEquals("ann", stored.acknowledgedBy());
          assertNull(read.resultAt(1));
          test.completeNow();
        })));
  }
}
