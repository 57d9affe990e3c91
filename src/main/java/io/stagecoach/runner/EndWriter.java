package io.stagecoach.runner;

import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.WriteResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the ends of attempts in batches: the ends that arrive while one batch is being written
 * go together in the next, so a busy runner pays one store round trip (one commit on
 * PostgreSQL) for many finished jobs, and an idle one still writes at once. Runs on the runner's
 * context.
 */
final class EndWriter {
  static final int MAX_BATCH = 256;

  private record Pending(JobWrite write, Promise<WriteResult> written) {
  }

  private final JobStore store;
  private final Context context;
  private final List<Pending> queue = new ArrayList<>();
  private boolean flushScheduled;
  private boolean writing;

  EndWriter(JobStore store, Context context) {
    this.store = store;
    this.context = context;
  }

  /** The write's result, or the mutation's refusal; a store failure fails it as it is. */
  Future<WriteResult> write(JobWrite write) {
    Promise<WriteResult> written = Promise.promise();
    queue.add(new Pending(write, written));
    if (!writing) {
      scheduleFlush(); // let the ends of this event-loop turn gather before writing
    }
    return written.future();
  }

  private void flush() {
    if (queue.isEmpty() || writing) {
      return;
    }
    List<Pending> batch = new ArrayList<>(queue.subList(0, Math.min(MAX_BATCH, queue.size())));
    queue.subList(0, batch.size()).clear();
    writing = true;
    store.writeAll(batch.stream().map(Pending::write).toList()).onComplete(ar -> {
      writing = false;
      if (!queue.isEmpty()) {
        scheduleFlush(); // next turn: completing these ends may start jobs whose ends come back here
      }
      for (int i = 0; i < batch.size(); i++) {
        Promise<WriteResult> written = batch.get(i).written();
        if (ar.failed()) {
          written.fail(ar.cause());
        } else {
          WriteResult result = ar.result().get(i);
          if (result.refusal() != null) {
            written.fail(result.refusal());
          } else {
            written.complete(result);
          }
        }
      }
    });
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> {
        flushScheduled = false;
        flush();
      });
    }
  }
}
