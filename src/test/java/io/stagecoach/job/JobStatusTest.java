package io.stagecoach.job;

import static io.stagecoach.job.JobStatus.CANCELLED;
import static io.stagecoach.job.JobStatus.CANCELLING;
import static io.stagecoach.job.JobStatus.FAILED;
import static io.stagecoach.job.JobStatus.QUEUED;
import static io.stagecoach.job.JobStatus.RUNNING;
import static io.stagecoach.job.JobStatus.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.Jobs;
import io.stagecoach.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobStatusTest {
  /** SPEC §2-§3, written out independently of the production table. */
  private static final Map<JobStatus, Set<JobStatus>> LEGAL = Map.of(
      QUEUED, EnumSet.of(RUNNING, CANCELLED),                              // claim; cancel while queued
      RUNNING, EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLING, CANCELLED), // end; retry; cancel
      CANCELLING, EnumSet.of(CANCELLED),
      SUCCEEDED, EnumSet.noneOf(JobStatus.class),
      FAILED, EnumSet.of(QUEUED),                                          // POST /retry
      CANCELLED, EnumSet.of(QUEUED));                                      // POST /retry

  private final MutableClock clock = new MutableClock();

  static Stream<Arguments> everyMove() {
    return Arrays.stream(JobStatus.values()).flatMap(from -> Arrays.stream(JobStatus.values())
        .map(to -> Arguments.of(from, to, LEGAL.get(from).contains(to))));
  }

  @ParameterizedTest(name = "{0} -> {1}: legal = {2}")
  @MethodSource("everyMove")
  @DisplayName("every status move is legal or refused exactly as the lifecycle says, by the table and by Job.moveTo")
  void transitionTable(JobStatus from, JobStatus to, boolean legal) {
    assertEquals(legal, from.canMoveTo(to));

    Job job = jobIn(from);
    Instant now = clock.advance(Duration.ofSeconds(1));
    if (legal) {
      job.moveTo(to, now);
      assertEquals(to, job.status());
    } else {
      long version = job.version();
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> job.moveTo(to, now));
      assertTrue(e.getMessage().contains(from.wire() + " -> " + to.wire()), e.getMessage());
      assertEquals(from, job.status(), "a refused move changes nothing");
      assertEquals(version, job.version());
    }
  }

  @Test
  @DisplayName("nothing leaves succeeded, and a cancelled job can never become succeeded")
  void finalWords() {
    for (JobStatus next : JobStatus.values()) {
      assertFalse(SUCCEEDED.canMoveTo(next), "succeeded -> " + next.wire());
    }
    assertFalse(CANCELLED.canMoveTo(SUCCEEDED));
    assertFalse(CANCELLING.canMoveTo(SUCCEEDED));
    assertFalse(FAILED.canMoveTo(SUCCEEDED));
  }

  @Test
  @DisplayName("ending a job stamps finishedAt and drops its lease")
  void endingStampsAndDropsLease() {
    Job job = jobIn(QUEUED);
    Instant start = clock.instant();
    job.claim("runner-1", start, start.plusSeconds(30));
    Instant end = clock.advance(Duration.ofSeconds(5));

    job.moveTo(FAILED, end);

    assertEquals(end, job.finishedAt());
    assertNull(job.leaseOwner());
    assertNull(job.leaseExpiresAt());
  }

  @Test
  @DisplayName("going back to the queue clears finishedAt and the lease")
  void requeueClears() {
    Job job = jobIn(QUEUED);
    job.claim("runner-1", clock.instant(), clock.instant().plusSeconds(30));
    job.moveTo(CANCELLED, clock.advance(Duration.ofSeconds(1)));

    job.moveTo(QUEUED, clock.advance(Duration.ofSeconds(1)));

    assertNull(job.finishedAt());
    assertNull(job.leaseOwner());
    assertNull(job.leaseExpiresAt());
  }

  @Test
  @DisplayName("statuses are lower case on the wire and read back from it; an unknown one is invalid_input")
  void wire() {
    for (JobStatus status : JobStatus.values()) {
      assertEquals(status.name().toLowerCase(), status.wire());
      assertEquals(status, JobStatus.fromWire(status.wire()));
    }
    StagecoachException e = assertThrows(StagecoachException.class, () -> JobStatus.fromWire("done"));
    assertEquals(ErrorCode.INVALID_INPUT, e.code());
  }

  @Test
  @DisplayName("succeeded, failed and cancelled are terminal; running and cancelling hold a lease")
  void kinds() {
    assertEquals(EnumSet.of(SUCCEEDED, FAILED, CANCELLED),
        EnumSet.copyOf(Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal).toList()));
    assertEquals(EnumSet.of(RUNNING, CANCELLING),
        EnumSet.copyOf(Arrays.stream(JobStatus.values()).filter(JobStatus::isActive).toList()));
  }

  /** A job in {@code status}, reached by legal moves only. */
  private Job jobIn(JobStatus status) {
    Job job = Jobs.aQueuedJob(clock);
    Instant now = clock.instant();
    switch (status) {
      case QUEUED -> { }
      case RUNNING -> job.claim("runner-1", now, now.plusSeconds(30));
      case CANCELLING -> {
        job.claim("runner-1", now, now.plusSeconds(30));
        job.moveTo(CANCELLING, now);
      }
      case SUCCEEDED, FAILED -> {
        job.claim("runner-1", now, now.plusSeconds(30));
        job.moveTo(status, now);
      }
      case CANCELLED -> job.moveTo(CANCELLED, now);
      default -> throw new IllegalArgumentException(status.wire());
    }
    assertEquals(status, job.status());
    return job;
  }
}
