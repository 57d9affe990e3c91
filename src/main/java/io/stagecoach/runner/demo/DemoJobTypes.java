package io.stagecoach.runner.demo;

import io.stagecoach.job.StagecoachException;
import io.stagecoach.runner.JobCancelledException;
import io.stagecoach.runner.JobContext;
import io.stagecoach.runner.JobFailure;
import io.stagecoach.runner.JobType;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.runner.StageHandle;
import io.stagecoach.runner.StageSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** The demo job types of SPEC §10, for trying Stagecoach out and for black-box tests. */
public final class DemoJobTypes {
  private static final int STEPS_PER_STAGE = 4;

  private DemoJobTypes() {
  }

  public static void registerAll(JobTypeRegistry registry) {
    registry.register(noop()).register(sleep()).register(fail()).register(stages());
  }

  /** Does nothing and succeeds: the unit of the benchmarks. */
  static JobType noop() {
    return JobType.builder("demo.noop").name("No-op")
        .handler(ctx -> Future.succeededFuture(new JsonObject()));
  }

  /** {@code {"ms": 3000, "steps": 10}}: one stage, progress and a "Steps done" param per step. */
  static JobType sleep() {
    return JobType.builder("demo.sleep").name("Sleep")
        .stages(StageSpec.of("Sleep"))
        .validateInput(input -> {
          intField(input, "ms", 3000, 0, 3_600_000);
          intField(input, "steps", 10, 1, 10_000);
        })
        .handler(ctx -> {
          int ms = intField(ctx.input(), "ms", 3000, 0, 3_600_000);
          int steps = intField(ctx.input(), "steps", 10, 1, 10_000);
          StageHandle stage = ctx.stage("sleep").start().param("Steps done", 0);
          return steps(ctx, steps, ms / steps, step -> stage.progress((double) step / steps).param("Steps done", step))
              .map(v -> {
                stage.finish();
                return new JsonObject().put("slept", ms);
              });
        });
  }

  /** {@code {"failTimes": 2, "message": "..."}}: fails its first {@code failTimes} attempts, then succeeds. */
  static JobType fail() {
    return JobType.builder("demo.fail").name("Fail, then succeed")
        .validateInput(input -> {
          intField(input, "failTimes", 2, 0, 100);
          stringField(input, "message");
        })
        .handler(ctx -> {
          int failTimes = intField(ctx.input(), "failTimes", 2, 0, 100);
          if (ctx.attempt() <= failTimes) {
            String message = stringField(ctx.input(), "message");
            return Future.failedFuture(new JobFailure("demo_failure",
                message != null ? message : "demo failure " + ctx.attempt() + " of " + failTimes));
          }
          return Future.succeededFuture(new JsonObject().put("attempts", ctx.attempt()));
        });
  }

  /** {@code {"stages": 3, "stepMs": 100, "failStage": null}}: several stages with params, one failing on request. */
  static JobType stages() {
    return JobType.builder("demo.stages").name("Several stages")
        .validateInput(input -> {
          int count = intField(input, "stages", 3, 1, 50);
          intField(input, "stepMs", 100, 0, 60_000);
          if (input.getValue("failStage") != null) {
            intField(input, "failStage", 0, 1, count);
          }
        })
        .stages(input -> {
          List<StageSpec> specs = new ArrayList<>();
          for (int i = 1; i <= intField(input, "stages", 3, 1, 50); i++) {
            specs.add(StageSpec.of("Stage " + i));
          }
          return specs;
        })
        .handler(ctx -> {
          int count = intField(ctx.input(), "stages", 3, 1, 50);
          int stepMs = intField(ctx.input(), "stepMs", 100, 0, 60_000);
          Integer failStage = ctx.input().getInteger("failStage");
          Future<Void> chain = Future.succeededFuture();
          for (int i = 1; i <= count; i++) {
            int number = i;
            chain = chain.compose(v -> runStage(ctx, number, stepMs, failStage != null && failStage == number));
          }
          return chain.map(v -> new JsonObject().put("stages", count));
        });
  }

  private static Future<Void> runStage(JobContext ctx, int number, int stepMs, boolean fails) {
    StageHandle stage = ctx.stage("stage_" + number).start().param("Total items", STEPS_PER_STAGE * 25);
    stage.log("stage " + number + " started");
    return steps(ctx, STEPS_PER_STAGE, stepMs, step -> {
      if (fails && step == STEPS_PER_STAGE / 2) {
        throw new JobFailure("demo_stage_failed", "stage " + number + " failed on request");
      }
      stage.progress((double) step / STEPS_PER_STAGE).param("Items processed", step * 25);
    }).onSuccess(v -> stage.finish());
  }

  /** Runs {@code onStep(1..n)}, one step per {@code stepMs}, stopping early if the job is cancelled. */
  private static Future<Void> steps(JobContext ctx, int n, long stepMs, IntConsumer onStep) {
    Promise<Void> done = Promise.promise();
    step(ctx, 1, n, stepMs, onStep, done);
    return done.future();
  }

  private static void step(JobContext ctx, int i, int n, long stepMs, IntConsumer onStep, Promise<Void> done) {
    if (i > n) {
      done.complete();
      return;
    }
    ctx.vertx().setTimer(Math.max(1, stepMs), t -> {
      if (ctx.isCancelled()) {
        done.fail(new JobCancelledException());
        return;
      }
      try {
        onStep.accept(i);
      } catch (RuntimeException e) {
        done.fail(e);
        return;
      }
      step(ctx, i + 1, n, stepMs, onStep, done);
    });
  }

  private static int intField(JsonObject input, String field, int fallback, int min, int max) {
    Object value = input.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Integer n) || n < min || n > max) {
      throw StagecoachException.invalidInput("input." + field, "must be a whole number from " + min + " to " + max);
    }
    return n;
  }

  private static String stringField(JsonObject input, String field) {
    Object value = input.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw StagecoachException.invalidInput("input." + field, "must be a string");
    }
    return (String) value;
  }
}
