package io.stagecoach.runner;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes items in batches: the items that arrive while one batch is being written go together in
 * the next, so a busy runner pays one store round trip (one commit on PostgreSQL) for many
 * attempts' starts or ends, and an idle one still writes at once. Runs on the runner's context.
 *
 * @param <I> what is written
 * @param <O> each item's answer, in the order of the batch
 */
final class Batcher<I, O> {
  static final int MAX_BATCH = 256;

  private record Pending<I, O>(I item, Promise<O> written) {
  }

  private final Context context;
  private final Function<List<I>, Future<List<O>>> writeAll;
  private final List<Pending<I, O>> queue = new ArrayList<>();
  private boolean flushScheduled;
  private boolean writing;

  Batcher(Context context, Function<List<I>, Future<List<O>>> writeAll) {
    this.context = context;
    this.writeAll = writeAll;
  }

  /** The item's answer; a failed batch fails every item of it. */
  Future<O> write(I item) {
    Promise<O> written = Promise.promise();
    queue.add(new Pending<>(item, written));
    if (!writing) {
      scheduleFlush(); // let the items of this event-loop turn gather before writing
    }
    return written.future();
  }

  private void flush() {
    if (queue.isEmpty() || writing) {
      return;
    }
    List<Pending<I, O>> batch = new ArrayList<>(queue.subList(0, Math.min(MAX_BATCH, queue.size())));
    queue.subList(0, batch.size()).clear();
    writing = true;
    writeAll.apply(batch.stream().map(Pending::item).toList()).onComplete(ar -> {
      writing = false;
      if (!queue.isEmpty()) {
        scheduleFlush(); // next turn: completing these may start jobs whose writes come back here
      }
      for (int i = 0; i < batch.size(); i++) {
        Promise<O> written = batch.get(i).written();
        if (ar.failed()) {
          written.fail(ar.cause());
        } else {
          written.complete(ar.result().get(i));
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
