package io.stagecoach.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventInterest;
import io.stagecoach.bus.EventType;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.store.OutboxEntry;
import io.stagecoach.store.Page;
import io.stagecoach.testing.Jobs;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link WebhookStore} promises, through the interface alone; a store passes by
 * subclassing this with the few lines that build it.
 */
@ExtendWith(VertxExtension.class)
public abstract class WebhookStoreContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final int UNLIMITED = Integer.MAX_VALUE;
  /** A body as a receiver must see it: spacing, key order and non-ASCII text kept byte for byte. */
  private static final String BODY = "{\"id\":\"e1\",  \"type\":\"job.failed\",\"z\":1,\"a\":\"é ✓\"}";

  protected MutableClock clock;
  protected WebhookStore store;

  /** A new, empty store reading time from {@code clock}, with an empty outbox. */
  protected abstract Future<WebhookStore> newStore(Vertx vertx, Clock clock);

  /** Records {@code events} in the outbox {@link #store} relays from, as the job store beside it does. */
  protected abstract Future<Void> announce(Vertx vertx, List<Event> events);

  @BeforeEach
  void createStore(Vertx vertx, VertxTestContext test) {
    clock = new MutableClock();
    newStore(vertx, clock).onComplete(test.succeeding(created -> {
      store = created;
      test.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext test) {
    (store == null ? Future.<Void>succeededFuture() : store.close()).onComplete(test.succeedingThenComplete());
  }

  private Subscription aSubscription(String tenant, String... events) {
    return new Subscription(JobIds.next(), tenant, "https://hooks.example.com/" + tenant, List.of(events), "for " + tenant,
        clock.instant(), null, null, null, Signer.newSecret(), null, null);
  }

  /** Creates {@code s} in {@link #store}, far from any limit. */
  private Future<Subscription> create(Subscription s) {
    return store.create(s, UNLIMITED);
  }

  private Delivery aDelivery(Subscription to, Instant dueAt) {
    return Delivery.pending(JobIds.next(), to, JobIds.random(), "job.failed", BODY, clock.instant(), dueAt);
  }

  @Test
  @DisplayName("a subscription reads back as it was created, and an unknown id reads as null")
  void roundTrip(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.failed", "job.*", "alert.raised");
    create(s)
        .compose(created -> store.get(s.id()))
        .compose(read -> {
          assertEquals(s, read);
          return Future.all(store.get(JobIds.next()), store.get("not-a-uuid"));
        })
        .onComplete(test.succeeding(missing -> test.verify(() -> {
          assertNull(missing.resultAt(0));
          assertNull(missing.resultAt(1));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("list gives a tenant's subscriptions in creation order, a page at a time; null lists every tenant")
  void list(VertxTestContext test) {
    List<Subscription> acme = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 5; i++) {
      Subscription s = aSubscription("acme", "job.*");
      acme.add(s);
      chain = chain.compose(v -> create(s)).compose(v -> create(aSubscription("other", "job.*"))).mapEmpty();
    }
    chain.compose(v -> store.list("acme", null, 3))
        .compose(first -> {
          assertEquals(acme.subList(0, 3), first.items());
          assertEquals(acme.get(2).id(), first.lastKey());
          return store.list("acme", first.lastKey(), 3);
        })
        .compose(second -> {
          assertEquals(acme.subList(3, 5), second.items());
          assertNull(second.lastKey());
          return store.list(null, null, 100);
        })
        .onComplete(test.succeeding(all -> test.verify(() -> {
          assertEquals(10, all.items().size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("active gives the tenant's subscriptions that are not disabled")
  void active(VertxTestContext test) {
    Subscription on = aSubscription("acme", "job.*");
    Subscription off = aSubscription("acme", "job.*");
    Subscription elsewhere = aSubscription("other", "job.*");
    Future.all(create(on), create(off), create(elsewhere))
        .compose(v -> store.disable(off.id(), clock.instant(), "410 Gone"))
        .compose(v -> store.active("acme"))
        .onComplete(test.succeeding(active -> test.verify(() -> {
          assertEquals(List.of(on.id()), active.stream().map(Subscription::id).toList());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("rotation keeps the old secret as the previous one, signing until it expires")
  void rotate(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    String next = Signer.newSecret();
    Instant expires = clock.instant().plus(Duration.ofHours(24));
    create(s)
        .compose(v -> store.rotateSecret(s.id(), next, expires))
        .compose(rotated -> {
          assertEquals(next, rotated.secret());
          assertEquals(s.secret(), rotated.previousSecret());
          assertEquals(expires, rotated.previousSecretExpiresAt());
          return store.get(s.id());
        })
        .compose(read -> {
          assertEquals(List.of(next, s.secret()), read.signingSecrets(clock.instant()));
          assertEquals(List.of(next), read.signingSecrets(expires));
          return store.rotateSecret(JobIds.next(), next, expires);
        })
        .onComplete(test.succeeding(missing -> test.verify(() -> {
          assertNull(missing);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("failingSince is set by the first failure only, cleared by a success; disable happens once")
  void health(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Instant first = clock.instant();
    create(s)
        .compose(v -> store.markFailing(s.id(), first))
        .compose(v -> store.markFailing(s.id(), clock.advance(Duration.ofMinutes(5))))
        .compose(v -> store.get(s.id()))
        .compose(read -> {
          assertEquals(first, read.failingSince());
          return store.markHealthy(s.id());
        })
        .compose(v -> store.get(s.id()))
        .compose(read -> {
          assertNull(read.failingSince());
          return store.disable(s.id(), clock.instant(), "410 Gone");
        })
        .compose(disabled -> {
          assertTrue(disabled);
          return store.disable(s.id(), clock.instant(), "again");
        })
        .compose(again -> {
          assertFalse(again);
          return store.get(s.id());
        })
        .onComplete(test.succeeding(read -> test.verify(() -> {
          assertTrue(read.isDisabled());
          assertEquals("410 Gone", read.disabledReason());
          assertEquals(clock.instant(), read.disabledAt());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("claimDue takes due deliveries once per lease, oldest due first, and the body comes back byte for byte")
  void claimDue(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Instant now = clock.instant();
    Delivery later = aDelivery(s, now.plusSeconds(60));
    Delivery dueSecond = aDelivery(s, now.minusSeconds(1));
    Delivery dueFirst = aDelivery(s, now.minusSeconds(5));
    create(s)
        .compose(v -> store.enqueue(List.of(later, dueSecond, dueFirst)))
        .compose(v -> store.claimDue(now, now.plus(LEASE), 10))
        .compose(claimed -> {
          assertEquals(List.of(dueFirst.id(), dueSecond.id()), claimed.stream().map(Delivery::id).toList());
          assertEquals(BODY, claimed.get(0).body());
          assertEquals(dueFirst.eventId(), claimed.get(0).eventId());
          return store.claimDue(now, now.plus(LEASE), 10);
        })
        .compose(again -> {
          assertEquals(List.of(), again, "a claimed delivery is not claimed again within its lease");
          Instant afterLease = clock.advance(LEASE.plusSeconds(31));
          return store.claimDue(afterLease, afterLease.plus(LEASE), 10);
        })
        .onComplete(test.succeeding(reclaimed -> test.verify(() -> {
          assertEquals(3, reclaimed.size(), "after the lease every due delivery is claimed again");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("attempts are logged in order and settle the delivery; the log lists deliveries newest first")
  void attempts(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Instant now = clock.instant();
    Delivery d = aDelivery(s, now);
    Delivery newer = aDelivery(s, now);
    Attempt failed = new Attempt(1, now, 500, 12, "HTTP 500", "93.184.216.34:443", "oops");
    Attempt refused = new Attempt(2, now.plusSeconds(5), null, 3, "connection refused", "93.184.216.34:443", null);
    Attempt ok = new Attempt(3, now.plusSeconds(10), 204, 7, null, "93.184.216.34:443", "");
    create(s)
        .compose(v -> store.enqueue(List.of(d)))
        .compose(v -> store.enqueue(List.of(newer)))
        .compose(v -> store.recordAttempt(d.id(), failed, DeliveryStatus.PENDING, now.plusSeconds(5)))
        .compose(v -> store.delivery(d.id()))
        .compose(pending -> {
          assertEquals(DeliveryStatus.PENDING, pending.status());
          assertEquals(1, pending.attempts());
          assertEquals(now.plusSeconds(5), pending.nextAttemptAt());
          assertNull(pending.finishedAt());
          return store.recordAttempt(d.id(), refused, DeliveryStatus.PENDING, now.plusSeconds(10));
        })
        .compose(v -> store.recordAttempt(d.id(), ok, DeliveryStatus.SUCCEEDED, null))
        .compose(v -> store.delivery(d.id()))
        .compose(done -> {
          assertEquals(DeliveryStatus.SUCCEEDED, done.status());
          assertEquals(3, done.attempts());
          assertEquals(List.of(failed, refused, ok), done.log());
          assertEquals(clock.instant(), done.finishedAt());
          return store.deliveries(s.id(), null, 1);
        })
        .compose(first -> {
          assertEquals(List.of(newer.id()), first.items().stream().map(Delivery::id).toList());
          return store.deliveries(s.id(), first.lastKey(), 1);
        })
        .onComplete(test.succeeding((Page<Delivery> second) -> test.verify(() -> {
          assertEquals(List.of(d.id()), second.items().stream().map(Delivery::id).toList());
          assertEquals(3, second.items().get(0).log().size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a delivery settled without an attempt counts none; a claimed delivery settled final is not claimed again")
  void settleWithoutAttempt(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Instant now = clock.instant();
    Delivery d = aDelivery(s, now);
    create(s)
        .compose(v -> store.enqueue(List.of(d)))
        .compose(v -> store.recordAttempt(d.id(), null, DeliveryStatus.FAILED, null))
        .compose(v -> store.delivery(d.id()))
        .compose(failed -> {
          assertEquals(DeliveryStatus.FAILED, failed.status());
          assertEquals(0, failed.attempts());
          assertEquals(List.of(), failed.log());
          return store.claimDue(clock.advance(Duration.ofDays(1)), clock.instant().plus(LEASE), 10);
        })
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(List.of(), claimed);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("deleting a subscription deletes its deliveries; deliveries for a deleted one are not stored")
  void delete(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Delivery d = aDelivery(s, clock.instant());
    create(s)
        .compose(v -> store.enqueue(List.of(d)))
        .compose(v -> store.delete(s.id()))
        .compose(deleted -> {
          assertTrue(deleted);
          return store.delete(s.id());
        })
        .compose(again -> {
          assertFalse(again);
          return store.delivery(d.id());
        })
        .compose(gone -> {
          assertNull(gone);
          return store.enqueue(List.of(aDelivery(s, clock.instant())));
        })
        .compose(v -> store.claimDue(clock.instant(), clock.instant().plus(LEASE), 10))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(List.of(), claimed);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("create stops at the tenant's limit, disabled subscriptions included; other tenants and freed places are unaffected")
  void limitPerTenant(VertxTestContext test) {
    Subscription first = aSubscription("acme", "job.*");
    Subscription second = aSubscription("acme", "job.*");
    Subscription third = aSubscription("acme", "job.*");
    store.create(first, 2)
        .compose(v -> store.create(second, 2))
        .compose(v -> store.disable(second.id(), clock.instant(), "410 Gone"))
        .compose(v -> store.create(third, 2))
        .compose(refused -> {
          assertNull(refused, "a disabled subscription still takes a place");
          return store.create(aSubscription("other", "job.*"), 2);
        })
        .compose(elsewhere -> {
          assertNotNull(elsewhere, "the limit is per tenant");
          return store.delete(first.id());
        })
        .compose(v -> store.create(third, 2))
        .compose(created -> {
          assertEquals(third, created);
          return store.list("acme", null, 10);
        })
        .onComplete(test.succeeding(acme -> test.verify(() -> {
          assertEquals(List.of(second.id(), third.id()), acme.items().stream().map(Subscription::id).toList());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("creates racing each other stop at the limit all the same")
  void limitUnderRace(VertxTestContext test) {
    List<Future<Subscription>> racing = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      racing.add(store.create(aSubscription("acme", "job.*"), 3));
    }
    Future.all(racing)
        .compose(v -> store.list("acme", null, 100))
        .onComplete(test.succeeding(acme -> test.verify(() -> {
          assertEquals(3, racing.stream().filter(f -> f.result() != null).count());
          assertEquals(3, acme.items().size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("enable clears a disabled subscription's disabled and failing state; an active one is left as it is; a missing one is null")
  void enable(VertxTestContext test) {
    Subscription gone = aSubscription("acme", "job.*");
    Subscription failing = aSubscription("acme", "job.*");
    Instant since = clock.instant();
    create(gone)
        .compose(v -> create(failing))
        .compose(v -> store.markFailing(gone.id(), since))
        .compose(v -> store.disable(gone.id(), clock.advance(Duration.ofDays(5)), "failing for too long"))
        .compose(v -> store.enable(gone.id()))
        .compose(enabled -> {
          assertEquals(gone, enabled, "as it was created: not disabled, no reason, not failing");
          return store.get(gone.id());
        })
        .compose(read -> {
          assertEquals(gone, read);
          return store.active("acme");
        })
        .compose(active -> {
          assertEquals(List.of(gone.id(), failing.id()), active.stream().map(Subscription::id).toList());
          return store.markFailing(failing.id(), since).compose(v -> store.enable(failing.id()));
        })
        .compose(untouched -> {
          assertFalse(untouched.isDisabled());
          assertEquals(since, untouched.failingSince(), "an active endpoint keeps counting towards disableAfter");
          return store.enable(JobIds.next());
        })
        .onComplete(test.succeeding(missing -> test.verify(() -> {
          assertNull(missing);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("pruneDeliveries deletes finished deliveries older than the cutoff, a batch at a time; never a pending one or a recent one")
  void pruneDeliveries(VertxTestContext test) {
    Subscription s = aSubscription("acme", "job.*");
    Instant start = clock.instant();
    Delivery succeeded = aDelivery(s, start);
    Delivery failed = aDelivery(s, start);
    Delivery pending = aDelivery(s, start);
    Delivery recent = aDelivery(s, start);
    Attempt ok = new Attempt(1, start, 204, 5, null, "93.184.216.34:443", "");
    Attempt refused = new Attempt(1, start, null, 3, "connection refused", "93.184.216.34:443", null);
    Instant[] cutoff = new Instant[1];
    create(s)
        .compose(v -> store.enqueue(List.of(succeeded, failed, pending, recent)))
        .compose(v -> store.recordAttempt(succeeded.id(), ok, DeliveryStatus.SUCCEEDED, null))
        .compose(v -> store.recordAttempt(failed.id(), refused, DeliveryStatus.FAILED, null))
        .compose(v -> store.recordAttempt(pending.id(), refused, DeliveryStatus.PENDING, start.plusSeconds(5)))
        .compose(v -> {
          cutoff[0] = clock.advance(Duration.ofDays(8)).minus(Duration.ofDays(7));
          return store.recordAttempt(recent.id(), ok, DeliveryStatus.SUCCEEDED, null);
        })
        .compose(v -> store.pruneDeliveries(cutoff[0], 1))
        .compose(first -> {
          assertEquals(1, first, "at most the limit");
          return store.pruneDeliveries(cutoff[0], 10);
        })
        .compose(second -> {
          assertEquals(1, second);
          return store.pruneDeliveries(cutoff[0], 10);
        })
        .compose(none -> {
          assertEquals(0, none);
          return Future.all(store.delivery(succeeded.id()), store.delivery(failed.id()), store.deliveries(s.id(), null, 10));
        })
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertNull(after.resultAt(0));
          assertNull(after.resultAt(1));
          Page<Delivery> left = after.resultAt(2);
          assertEquals(List.of(recent.id(), pending.id()), left.items().stream().map(Delivery::id).toList());
          assertEquals(List.of(refused), left.items().get(1).log(), "a pending delivery keeps its attempts");
          test.completeNow();
        })));
  }

  // ---- the outbox ------------------------------------------------------------------------------

  private static final Function<List<OutboxEntry>, Future<List<Delivery>>> NO_DELIVERIES =
      events -> Future.succeededFuture(List.of());

  /** Relays everything, answering what was taken (oldest first) and the deliveries made for {@code s}. */
  private Future<List<OutboxEntry>> relayAll(Subscription s, int limit) {
    List<OutboxEntry> taken = new ArrayList<>();
    return store.relay(limit, events -> {
      taken.addAll(events);
      return Future.succeededFuture(events.stream()
          .map(e -> Delivery.pending(JobIds.next(), s, e.eventId(), e.type(), e.body(), clock.instant(),
              clock.instant().plus(LEASE)))
          .toList());
    }).map(deliveries -> {
      assertEquals(taken.size(), deliveries.size());
      return taken;
    });
  }

  @Test
  @DisplayName("relay: takes subscribed events oldest first, stores their deliveries, and leaves the outbox empty")
  void relay(Vertx vertx, VertxTestContext test) {
    JobEvents events = new JobEvents(vertx.eventBus(), clock,
        (tenant, type) -> type != EventType.JOB_STARTED && type != EventType.JOB_PROGRESS);
    Job job = Jobs.aQueuedJob(clock);
    Event queued = events.of(EventType.JOB_QUEUED, job);
    Event started = events.of(EventType.JOB_STARTED, job);  // not subscribed: never recorded
    Event progress = events.of(EventType.JOB_PROGRESS, job);  // nor this
    Event succeeded = events.of(EventType.JOB_SUCCEEDED, job);
    Subscription s = aSubscription(Jobs.TENANT, "job.*");
    create(s)
        .compose(v -> announce(vertx, List.of(queued, started, progress, succeeded)))
        .compose(v -> relayAll(s, 1))
        .compose(first -> {
          assertEquals(List.of(queued.id()), first.stream().map(OutboxEntry::eventId).toList());
          assertEquals(queued.body(), first.get(0).body());
          assertEquals(job.id(), first.get(0).jobId());
          assertEquals(Jobs.TENANT, first.get(0).tenant());
          return relayAll(s, 10);
        })
        .compose(rest -> {
          assertEquals(List.of(succeeded.id()), rest.stream().map(OutboxEntry::eventId).toList());
          return relayAll(s, 10);
        })
        .compose(none -> {
          assertEquals(List.of(), none);
          return store.claimDue(clock.advance(LEASE.plusSeconds(1)), clock.instant().plus(LEASE), 10);
        })
        .onComplete(test.succeeding(due -> test.verify(() -> {
          assertEquals(Set.of(queued.id(), succeeded.id()), due.stream().map(Delivery::eventId).collect(Collectors.toSet()));
          assertEquals(succeeded.body(), due.stream().filter(d -> d.eventId().equals(succeeded.id())).findFirst()
              .orElseThrow().body(), "the body byte for byte");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("relay: when the fan-out fails, the events stay in the outbox, in order")
  void relayFailureKeepsEvents(Vertx vertx, VertxTestContext test) {
    JobEvents events = new JobEvents(vertx.eventBus(), clock, EventInterest.ALL);
    Job job = Jobs.aQueuedJob(clock);
    Event queued = events.of(EventType.JOB_QUEUED, job);
    Event failed = events.of(EventType.JOB_FAILED, job);
    Subscription s = aSubscription(Jobs.TENANT, "job.*");
    create(s)
        .compose(v -> announce(vertx, List.of(queued, failed)))
        .compose(v -> store.relay(10, taken -> Future.failedFuture(new IllegalStateException("fan-out broke"))))
        .transform(ar -> {
          assertTrue(ar.failed());
          return relayAll(s, 10);
        })
        .onComplete(test.succeeding(taken -> test.verify(() -> {
          assertEquals(List.of(queued.id(), failed.id()), taken.stream().map(OutboxEntry::eventId).toList());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("outbox: a job's waiting job.progress is replaced by its next one; other events never coalesce")
  void progressLatestWins(Vertx vertx, VertxTestContext test) {
    JobEvents events = new JobEvents(vertx.eventBus(), clock, EventInterest.ALL);
    Job job = Jobs.aQueuedJob(clock);
    Job other = Jobs.aQueuedJob(clock);
    Event progress1 = events.of(EventType.JOB_PROGRESS, job);
    Event stage1 = events.of(EventType.JOB_STAGE_FINISHED, job);
    Event otherProgress = events.of(EventType.JOB_PROGRESS, other);
    Event progress2 = events.of(EventType.JOB_PROGRESS, job);
    Event stage2 = events.of(EventType.JOB_STAGE_FINISHED, job);
    Event progress3 = events.of(EventType.JOB_PROGRESS, job);
    Subscription s = aSubscription(Jobs.TENANT, "job.*");
    create(s)
        .compose(v -> announce(vertx, List.of(progress1, stage1)))
        .compose(v -> announce(vertx, List.of(otherProgress, progress2, stage2)))
        .compose(v -> announce(vertx, List.of(progress3)))
        .compose(v -> relayAll(s, 100))
        .compose(taken -> {
          assertEquals(List.of(progress3.id(), stage1.id(), otherProgress.id(), stage2.id()),
              taken.stream().map(OutboxEntry::eventId).toList(), "the latest progress, in the first one's place");
          assertEquals(progress3.body(), taken.get(0).body());
          // Once relayed, a new progress event waits on its own.
          return announce(vertx, List.of(progress1)).compose(v -> relayAll(s, 100));
        })
        .compose(taken -> {
          assertEquals(List.of(progress1.id()), taken.stream().map(OutboxEntry::eventId).toList());
          return store.relay(100, NO_DELIVERIES);
        })
        .onComplete(test.succeeding(none -> test.verify(() -> {
          assertEquals(List.of(), none);
          test.completeNow();
        })));
  }
}
