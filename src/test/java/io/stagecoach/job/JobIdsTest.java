package io.stagecoach.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobIdsTest {

  @Test
  @DisplayName("ids made one after another sort in the order they were made, so newest first is highest id first")
  void monotonic() {
    String previous = JobIds.next();
    for (int i = 0; i < 20_000; i++) {
      String next = JobIds.next();
      assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
      previous = next;
    }
  }

  @Test
  @DisplayName("only lower-case canonical UUIDs are valid ids")
  void validity() {
    assertTrue(JobIds.isValid(JobIds.next()));
    assertTrue(JobIds.isValid(JobIds.random()));
    assertFalse(JobIds.isValid(JobIds.next().toUpperCase()));
    assertFalse(JobIds.isValid("not-a-uuid"));
    assertFalse(JobIds.isValid(null));
    assertFalse(JobIds.isValid(JobIds.next() + " "));
  }
}
