package io.stagecoach.job;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackoffTest {
  private static final int SAMPLES = 500;
  private static final Duration BASE = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofMinutes(10);
  private final Backoff backoff = new Backoff(BASE, MAX);

  @ParameterizedTest(name = "before attempt {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 8, 10, 11, 12, 13, 20, 31, 32, 33, 64, 1_000, Integer.MAX_VALUE})
  @DisplayName("the wait before attempt n is between half and all of base * 2^(n-2), capped at max")
  void bounds(int attempt) {
    long ceiling = Math.min(MAX.toMillis(), BASE.toMillis() * (long) Math.pow(2, Math.max(0, Math.min(30, attempt - 2))));
    for (int i = 0; i < SAMPLES; i++) {
      long delay = backoff.delayBefore(attempt).toMillis();
      assertTrue(delay >= ceiling / 2 && delay <= ceiling,
          "attempt " + attempt + ": " + delay + " ms not in [" + ceiling / 2 + ", " + ceiling + "]");
    }
  }

  @Test
  @DisplayName("the wait grows with the attempt until the cap, then stays within [max/2, max]")
  void growsThenCaps() {
    assertTrue(max(backoff, 2) <= 1_000);
    assertTrue(min(backoff, 5) >= 4_000, "attempt 5 waits at least half of 8 s");
    assertTrue(min(backoff, 12) >= MAX.toMillis() / 2, "1024 s is over the cap");
    assertTrue(max(backoff, 100) <= MAX.toMillis());
  }

  @Test
  @DisplayName("waits are jittered: the same attempt does not always wait the same")
  void jitter() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < SAMPLES; i++) {
      seen.add(backoff.delayBefore(6).toMillis());
    }
    assertTrue(seen.size() > 10, "only " + seen.size() + " distinct waits");
  }

  @Test
  @DisplayName("a base over max waits at most max")
  void baseOverMax() {
    Backoff odd = new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(1));
    assertTrue(max(odd, 2) <= Duration.ofMinutes(1).toMillis());
    assertTrue(min(odd, 2) >= Duration.ofSeconds(30).toMillis());
  }

  @ParameterizedTest(name = "base {0} days")
  @ValueSource(ints = {100, 200, 365})
  @DisplayName("a base so large that doubling it up to 2^30 times would overflow still waits within [max/2, max]")
  void hugeBaseDoesNotOverflow(int baseDays) {
    Duration max = Duration.ofDays(400);
    Backoff huge = new Backoff(Duration.ofDays(baseDays), max);
    for (int attempt = 4; attempt <= 40; attempt++) {
      assertTrue(min(huge, attempt) >= max.toMillis() / 2, "attempt " + attempt);
      assertTrue(max(huge, attempt) <= max.toMillis(), "attempt " + attempt);
    }
    assertTrue(min(huge, Integer.MAX_VALUE) >= max.toMillis() / 2);
  }

  private static long min(Backoff b, int attempt) {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < SAMPLES; i++) {
      min = Math.min(min, b.delayBefore(attempt).toMillis());
    }
    return min;
  }

  private static long max(Backoff b, int attempt) {
    long max = Long.MIN_VALUE;
    for (int i = 0; i < SAMPLES; i++) {
      max = Math.max(max, b.delayBefore(attempt).toMillis());
    }
    return max;
  }
}
