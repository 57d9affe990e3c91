package io.stagecoach.bench;

import io.stagecoach.Stagecoach;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.runner.JobTypeRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar stagecoach.jar bench}: the drain, latency and scale workloads with no-op jobs,
 * measured the way job-engine benchmarks measure them. One JSON line per workload on stdout.
 */
public final class Bench {
  private static final int WARM_UP = 50;
  /**
   * Untimed drains before the first timed workload, at least this many and for at least
   * {@code --warm-up} seconds, so that the JIT has compiled the hot path, as JMH's warm-up
   * iterations do. Measured: after three 20,000-job drains (a second in memory) five drains in a row
   * in one JVM ran at 52,000-131,000 jobs/s, rising; after ten seconds, at 108,000-147,000.
   */
  private static final int WARM_UP_DRAINS = 3;
  /**
   * Past the minimum, warm-up drains go on while the JIT compiled for more than this share of the
   * last one, for at most {@link #WARM_UP_LIMIT} times {@code --warm-up} in all. On PostgreSQL ten
   * seconds were not enough: in the four drains after them the compiler threads were busy for
   * 26-55% of each drain's time (measured with the CompilationMXBean), on a machine of two cores,
   * and under 5% only after about 30 seconds.
   */
  private static final double JIT_QUIET_SHARE = 0.05;
  private static final int WARM_UP_LIMIT = 6;
  private static final int WARM_UP_JOBS = 20_000;
  private static final List<Integer> MEMORY_SCALE = List.of(10_000, 100_000, 1_000_000);
  private static final List<Integer> POSTGRES_SCALE = List.of(10_000, 100_000);

  private final BenchOptions options;
  private final Vertx vertx;
  private boolean warmedUp;

  Bench(BenchOptions options, Vertx vertx) {
    this.options = options;
    this.vertx = vertx;
  }

  public static void main(String[] args) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    int status = 0;
    try {
      Bench bench = new Bench(options, vertx);
      for (String workload : options.workloads()) {
        for (JsonObject line : bench.run(workload)) {
          System.out.println(line.encode());
        }
      }
    } catch (Exception e) {
      System.err.println("bench failed: " + e);
      status = 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    System.exit(status);
  }

  List<JsonObject> run(String workload) throws Exception {
    return switch (workload) {
      case "drain" -> List.of(drain(options.jobs(), false));
      case "latency" -> List.of(latency());
      case "scale" -> {
        List<JsonObject> lines = new ArrayList<>();
        for (int n : "postgres".equals(options.store()) ? POSTGRES_SCALE : MEMORY_SCALE) {
          lines.add(drain(n, true));
        }
        yield lines;
      }
      default -> throw new IllegalArgumentException(workload);
    };
  }

  /** Enqueues {@code n} jobs with no runner claiming, then times a runner of concurrency C draining them. */
  private JsonObject drain(int n, boolean scale) throws Exception {
    warmUp();
    progress("drain: n=%d concurrency=%d", n, options.concurrency());
    BenchSchema schema = freshSchema();
    Stagecoach engine = await(Stagecoach.deploy(vertx, config(0, schema), new JobTypeRegistry()));
    try {
      Submitter submitter = submitter(engine);
      // Only scale measures the heap: a full GC before a drain shrank G1's heap, and the drain then
      // paid for growing it back (a third of a 20,000-job drain's time).
      long heapBefore = scale ? usedHeapAfterGc() : 0;
      long t0 = System.nanoTime();
      await(submitter.submitMany(n));
      double enqueueSeconds = (System.nanoTime() - t0) / 1e9;
      long heapPerJob = scale ? Math.max(0, usedHeapAfterGc() - heapBefore) / n : 0;
      progress("  enqueued in %.2f s; draining", enqueueSeconds);
      Context context = vertx.getOrCreateContext();
      Completions completions = await(onContext(context, () -> Completions.listen(vertx, false)));
      long t1 = System.nanoTime();
      Future<Void> done = onContext(context, () -> completions.count(n));
      await(engine.addRunner(engine.config().runner().withConcurrency(options.concurrency())
          .withPrefetch(options.prefetch())));
      await(done);
      double seconds = (System.nanoTime() - t1) / 1e9;
      await(completions.close());
      JsonObject line = new JsonObject()
          .put("system", options.system())
          .put("workload", scale ? "scale" : "drain")
          .put("n", n)
          .put("concurrency", options.concurrency())
          .put("prefetch", options.prefetch())
          .put("seconds", round(seconds, 3))
          .put("jobs_per_s", Math.round(n / seconds))
          .put("enqueue_per_s", Math.round(n / enqueueSeconds));
      return scale ? line.put("heap_bytes_per_job", heapPerJob) : line;
    } finally {
      await(engine.stop());
      dropSchema(schema);
    }
  }

  /** Untimed drains (see {@link #WARM_UP_DRAINS}), once, before the first timed workload. */
  private void warmUp() throws Exception {
    if (warmedUp) {
      return;
    }
    warmedUp = true;
    int jobs = Math.min(WARM_UP_JOBS, options.jobs());
    progress("warm-up: untimed drains of %d jobs, at least %d, for at least %d s, then while the JIT is busy"
        + " (at most %d s)", jobs, WARM_UP_DRAINS, options.warmUpSeconds(), WARM_UP_LIMIT * options.warmUpSeconds());
    long start = System.nanoTime();
    long minimum = start + Duration.ofSeconds(options.warmUpSeconds()).toNanos();
    long limit = start + Duration.ofSeconds((long) WARM_UP_LIMIT * options.warmUpSeconds()).toNanos();
    JitClock jit = new JitClock();
    for (int drains = 1; ; drains++) {
      long compiledBefore = jit.millis();
      long drainStart = System.nanoTime();
      drain(jobs, false);
      long now = System.nanoTime();
      double jitShare = (jit.millis() - compiledBefore) / ((now - drainStart) / 1e6);
      progress("  warm-up drain %d: the JIT compiled for %.0f%% of it", drains, 100 * jitShare);
      if (drains >= WARM_UP_DRAINS && now >= minimum && (jitShare <= JIT_QUIET_SHARE || now >= limit)) {
        progress("warm-up: %d drains in %.0f s", drains, (now - start) / 1e9);
        return;
      }
    }
  }

  /** Submits one job, waits for its job.succeeded event, M times after a warm-up; p50 and p99. */
  private JsonObject latency() throws Exception {
    warmUp();
    progress("latency: %d samples after %d warm-up", options.samples(), WARM_UP);
    BenchSchema schema = freshSchema();
    Stagecoach engine = await(Stagecoach.deploy(vertx, config(options.concurrency(), schema), new JobTypeRegistry()));
    try {
      Submitter submitter = submitter(engine);
      Context context = vertx.getOrCreateContext();
      Completions completions = await(onContext(context, () -> Completions.listen(vertx, true)));
      double[] ms = new double[options.samples()];
      for (int i = -WARM_UP; i < options.samples(); i++) {
        long t0 = System.nanoTime();
        await(onContext(context, () -> submitter.submitOne().compose(completions::succeeded)));
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      await(completions.close());
      Arrays.sort(ms);
      return new JsonObject()
          .put("system", options.system())
          .put("workload", "latency")
          .put("m", options.samples())
          .put("p50_ms", round(percentile(ms, 0.50), 3))
          .put("p99_ms", round(percentile(ms, 0.99), 3));
    } finally {
      await(engine.stop());
      dropSchema(schema);
    }
  }

  /** A new empty schema on PostgreSQL; null for the memory store. */
  private BenchSchema freshSchema() throws Exception {
    return "postgres".equals(options.store()) ? await(BenchSchema.create(vertx, options.pgUri())) : null;
  }

  private void dropSchema(BenchSchema schema) throws Exception {
    if (schema != null) {
      await(schema.drop(vertx));
    }
  }

  private StagecoachConfig config(int concurrency, BenchSchema schema) {
    JsonObject json = new JsonObject()
        .put("http", new JsonObject().put("port", 0))
        .put("runner", new JsonObject().put("concurrency", concurrency).put("prefetch", options.prefetch()));
    if ("postgres".equals(options.store())) {
      json.put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uri()));
    }
    return StagecoachConfig.fromJson(json);
  }

  private Submitter submitter(Stagecoach engine) {
    // The bench engine runs with development auth: its own operator token opens the API.
    return "rest".equals(options.path())
        ? Submitter.rest(vertx, engine.httpPort(), engine.developmentToken().orElseThrow())
        : Submitter.bus(vertx);
  }

  private static <T> Future<T> onContext(Context context, java.util.function.Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get();
  }

  private static long usedHeapAfterGc() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }

  private static double percentile(double[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  private static void progress(String format, Object... args) {
    System.err.println(String.format(format, args));
  }
}
