package io.stagecoach.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link LockBackend} promises (SPEC §4), tested through the interface alone. A backend
 * passes by subclassing this with a few lines that build it (see {@code LocalLockBackendTest}).
 *
 * <p>Time moves through {@link #elapse}: by default it moves the clock the backend was given. A
 * backend whose TTLs run on a server's own clock overrides {@link #ttl()} with something short
 * and {@link #elapse} with a real wait.
 */
@ExtendWith(VertxExtension.class)
public abstract class LockBackendContract {
  private static final String KEY = "deployment:74";

  protected MutableClock clock;
  protected LockBackend locks;
  private Vertx vertx;

  /** A new backend holding no locks, reading time from {@code clock} where it keeps time itself. */
  protected abstract Future<LockBackend> newBackend(Vertx vertx, Clock clock);

  /** Frees what {@link #newBackend} opened; nothing by default. */
  protected Future<Void> closeBackend(LockBackend backend) {
    return Future.succeededFuture();
  }

  /** The TTL the tests grant locks for. */
  protected Duration ttl() {
    return Duration.ofSeconds(30);
  }

  /** Lets {@code duration} pass for the backend. */
  protected Future<Void> elapse(Vertx vertx, Duration duration) {
    clock.advance(duration);
    return Future.succeededFuture();
  }

  private Future<Void> elapse(Duration duration) {
    return elapse(vertx, duration);
  }

  @BeforeEach
  void createBackend(Vertx vertx, VertxTestContext test) {
    this.vertx = vertx;
    clock = new MutableClock();
    newBackend(vertx, clock).onComplete(test.succeeding(created -> {
      locks = created;
      test.completeNow();
    }));
  }

  @AfterEach
  void closeBackend(VertxTestContext test) {
    if (locks == null) {
      test.completeNow();
      return;
    }
    closeBackend(locks).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a free key is granted with an owner token and a positive fencing token")
  void grant(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl()).onComplete(test.succeeding(result -> test.verify(() -> {
      assertTrue(result.granted());
      assertNotNull(result.token());
      assertFalse(result.token().isBlank());
      assertTrue(result.fencingToken() > 0, "fencing token " + result.fencingToken());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a held key is busy for everyone else (and for its holder asking again), naming the holder")
  void busy(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(first -> locks.acquire(KEY, "job-2", ttl())
            .compose(second -> locks.acquire(KEY, "job-1", ttl()).map(third -> List.of(first, second, third))))
        .compose(results -> locks.list().map(held -> {
          test.verify(() -> {
            LockResult first = results.get(0);
            for (LockResult refused : results.subList(1, 3)) {
              assertFalse(refused.granted());
              assertEquals("job-1", refused.holder());
              assertNull(refused.token(), "a refusal never hands out the owner's token");
            }
            assertEquals(1, held.size());
            assertEquals(new LockInfo(KEY, "job-1", first.fencingToken(), held.get(0).expiresAt()), held.get(0),
                "a refusal changes nothing about the lock held");
          });
          return held;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("different keys are independent")
  void keysAreIndependent(VertxTestContext test) {
    Future.all(locks.acquire("a", "job-1", ttl()), locks.acquire("b", "job-2", ttl()))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertTrue(both.<LockResult>resultAt(0).granted());
          assertTrue(both.<LockResult>resultAt(1).granted());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("fencing tokens strictly increase per key across release, re-acquire and other keys' grants")
  void fencingTokensIncrease(VertxTestContext test) {
    List<Long> tokens = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 6; i++) {
      String holder = "job-" + i;
      chain = chain
          .compose(v -> locks.acquire("other:" + holder, holder, ttl()))
          .compose(v -> locks.acquire(KEY, holder, ttl()))
          .compose(granted -> {
            tokens.add(granted.fencingToken());
            return locks.release(KEY, granted.token());
          })
          .mapEmpty();
    }
    chain.onComplete(test.succeeding(v -> test.verify(() -> {
      assertEquals(6, tokens.size());
      for (int i = 1; i < tokens.size(); i++) {
        assertTrue(tokens.get(i) > tokens.get(i - 1), "fencing tokens " + tokens);
      }
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("every grant carries a fresh owner token")
  void ownerTokensAreFresh(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(first -> locks.release(KEY, first.token())
            .compose(released -> locks.acquire(KEY, "job-1", ttl()))
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(grants -> test.verify(() -> {
          assertNotEquals(grants.get(0).token(), grants.get(1).token());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("release with the owner's token frees the key; a second release of it is refused")
  void release(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(granted -> locks.release(KEY, granted.token())
            .compose(first -> locks.release(KEY, granted.token()).map(second -> List.of(first, second))))
        .compose(releases -> locks.acquire(KEY, "job-2", ttl()).map(next -> {
          test.verify(() -> {
            assertEquals(List.of(true, false), releases);
            assertTrue(next.granted(), "a released key is free");
          });
          return next;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("release and renew with a token that does not own the lock answer false and change nothing")
  void wrongTokenChangesNothing(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(granted -> locks.list()
            .compose(before -> locks.release(KEY, "not-the-token")
                .compose(released -> locks.renew(KEY, "not-the-token", ttl().multipliedBy(10))
                    .compose(renewed -> locks.release("never-held", granted.token())
                        .compose(elsewhere -> locks.list().map(after -> {
                          test.verify(() -> {
                            assertFalse(released, "a wrong token cannot release");
                            assertFalse(renewed, "a wrong token cannot renew");
                            assertFalse(elsewhere, "a token owns only its own key");
                            assertEquals(1, after.size());
                            assertEquals(before.get(0).holder(), after.get(0).holder());
                            assertEquals(before.get(0).fencingToken(), after.get(0).fencingToken());
                            assertFalse(after.get(0).expiresAt().isAfter(before.get(0).expiresAt()),
                                "a refused renew does not extend the lock");
                          });
                          return after;
                        }))))))
        .compose(after -> locks.acquire(KEY, "job-2", ttl()))
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertFalse(second.granted(), "still held by its owner");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a lock whose TTL ran out can be taken by another, with a greater fencing token")
  void ttlExpiry(VertxTestContext test) {
    Duration ttl = ttl();
    locks.acquire(KEY, "job-1", ttl)
        .compose(first -> elapse(ttl.minusMillis(ttl.toMillis() / 10))
            .compose(v -> locks.acquire(KEY, "job-2", ttl))
            .compose(early -> {
              test.verify(() -> assertFalse(early.granted(), "not expired yet"));
              return elapse(ttl.dividedBy(10).plusMillis(1));
            })
            .compose(v -> locks.acquire(KEY, "job-2", ttl))
            .map(second -> List.of(first, second)))
        .onComplete(test.succeeding(grants -> test.verify(() -> {
          assertTrue(grants.get(1).granted(), "expired locks are free");
          assertTrue(grants.get(1).fencingToken() > grants.get(0).fencingToken());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("renew by the owner extends the lock by a TTL from now, keeping its fencing token")
  void renew(VertxTestContext test) {
    Duration ttl = ttl();
    locks.acquire(KEY, "job-1", ttl)
        .compose(granted -> elapse(ttl.dividedBy(2))
            .compose(v -> locks.renew(KEY, granted.token(), ttl))
            .compose(renewed -> {
              test.verify(() -> assertTrue(renewed));
              return elapse(ttl.dividedBy(2).plus(ttl.dividedBy(4)));
            })
            .compose(v -> locks.acquire(KEY, "job-2", ttl))
            .compose(other -> locks.list().map(held -> {
              test.verify(() -> {
                assertFalse(other.granted(), "past its first TTL, a renewed lock is still held");
                assertEquals(1, held.size());
                assertEquals("job-1", held.get(0).holder());
                assertEquals(granted.fencingToken(), held.get(0).fencingToken());
              });
              return held;
            }))
            .compose(held -> locks.release(KEY, granted.token())))
        .onComplete(test.succeeding(released -> test.verify(() -> {
          assertTrue(released, "the token still owns the renewed lock");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an owner whose lock expired and was taken cannot renew or release the new owner's lock")
  void staleTokenNeverTouchesNewOwner(VertxTestContext test) {
    Duration ttl = ttl();
    locks.acquire(KEY, "job-1", ttl)
        .compose(stale -> elapse(ttl.plusMillis(1))
            .compose(v -> locks.acquire(KEY, "job-2", ttl))
            .compose(fresh -> locks.release(KEY, stale.token())
                .compose(released -> locks.renew(KEY, stale.token(), ttl)
                    .map(renewed -> {
                      test.verify(() -> {
                        assertTrue(fresh.granted());
                        assertFalse(released, "a stale token cannot release");
                        assertFalse(renewed, "a stale token cannot renew");
                      });
                      return fresh;
                    }))))
        .compose(fresh -> locks.list().compose(held -> {
          test.verify(() -> {
            assertEquals(1, held.size());
            assertEquals("job-2", held.get(0).holder(), "the new owner still holds the key");
            assertEquals(fresh.fencingToken(), held.get(0).fencingToken());
          });
          return locks.release(KEY, fresh.token());
        }))
        .onComplete(test.succeeding(released -> test.verify(() -> {
          assertTrue(released);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an expired lock cannot be renewed, even before anyone else takes it")
  void expiredLockCannotBeRenewed(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(granted -> elapse(ttl().plusMillis(1)).compose(v -> locks.renew(KEY, granted.token(), ttl())))
        .onComplete(test.succeeding(renewed -> test.verify(() -> {
          assertFalse(renewed);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("forceRelease frees a held key whoever holds it, and answers false for a key not held")
  void forceRelease(VertxTestContext test) {
    locks.acquire(KEY, "job-1", ttl())
        .compose(granted -> locks.forceRelease(KEY)
            .compose(forced -> locks.forceRelease(KEY)
                .compose(again -> locks.forceRelease("never-held")
                    .compose(never -> locks.acquire(KEY, "job-2", ttl())
                        .compose(next -> locks.release(KEY, granted.token())
                            .map(oldOwnerRelease -> {
                              test.verify(() -> {
                                assertTrue(forced);
                                assertFalse(again, "already free");
                                assertFalse(never);
                                assertTrue(next.granted(), "a force-released key is free");
                                assertTrue(next.fencingToken() > granted.fencingToken());
                                assertFalse(oldOwnerRelease, "the old owner's token no longer owns it");
                              });
                              return next;
                            }))))))
        .compose(next -> locks.list())
        .onComplete(test.succeeding(held -> test.verify(() -> {
          assertEquals(List.of("job-2"), held.stream().map(LockInfo::holder).toList());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("list shows each held lock with holder, fencing token and expiry, and leaves out released and expired ones")
  void list(VertxTestContext test) {
    Duration ttl = ttl();
    Map<String, LockResult> grants = new java.util.HashMap<>();
    locks.acquire("a", "job-a", ttl).map(r -> grants.put("a", r))
        .compose(v -> locks.acquire("b", "job-b", ttl.multipliedBy(3))).map(r -> grants.put("b", r))
        .compose(v -> locks.acquire("c", "job-c", ttl.multipliedBy(3))).map(r -> grants.put("c", r))
        .compose(v -> locks.list())
        .compose(before -> {
          test.verify(() -> {
            Map<String, LockInfo> byKey = byKey(before);
            assertEquals(3, byKey.size());
            assertEquals("job-b", byKey.get("b").holder());
            assertEquals(grants.get("b").fencingToken(), byKey.get("b").fencingToken());
            assertTrue(byKey.get("b").expiresAt().isAfter(byKey.get("a").expiresAt()), "b was taken for longer");
          });
          return locks.release("c", grants.get("c").token());
        })
        .compose(v -> elapse(ttl.plusMillis(1)))
        .compose(v -> locks.list())
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertEquals(List.of("b"), after.stream().map(LockInfo::key).toList(), "a expired, c released");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an empty backend lists no locks and answers ping")
  void emptyAndPing(VertxTestContext test) {
    locks.ping()
        .compose(v -> locks.list())
        .onComplete(test.succeeding(held -> test.verify(() -> {
          assertEquals(List.of(), held);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("many acquires of one key racing from several threads grant it exactly once")
  void concurrentAcquireGrantsOnce(VertxTestContext test) throws InterruptedException {
    int threads = 8;
    int attemptsPerThread = 25;
    List<Future<LockResult>> attempts = new CopyOnWriteArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        String holder = "thread-" + t;
        pool.execute(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int i = 0; i < attemptsPerThread; i++) {
            attempts.add(locks.acquire(KEY, holder + "/" + i, ttl()));
          }
        });
      }
      start.countDown();
    } finally {
      pool.shutdown();
    }
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS), "the racing threads finished");

    Future.all(attempts).onComplete(test.succeeding(all -> test.verify(() -> {
      List<LockResult> results = all.list();
      assertEquals(threads * attemptsPerThread, results.size());
      List<LockResult> granted = results.stream().filter(LockResult::granted).toList();
      assertEquals(1, granted.size(), "exactly one grant");
      String holder = results.stream().filter(r -> !r.granted()).map(LockResult::holder).distinct()
          .collect(Collectors.joining(","));
      assertNotNull(holder);
      assertFalse(holder.contains(","), "every refusal names the one holder: " + holder);
      test.completeNow();
    })));
  }

  private static Map<String, LockInfo> byKey(List<LockInfo> held) {
    return held.stream().collect(Collectors.toMap(LockInfo::key, Function.identity()));
  }
}
