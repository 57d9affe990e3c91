package io.stagecoach.runner;

import io.stagecoach.job.LockSpec;
import io.stagecoach.job.OnBusy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A kind of job: its key, the stages it declares, its defaults, and how it runs — a handler in
 * this process, or a remote worker on {@code stagecoach.work.<key>}. Build one with {@link #builder}.
 */
public final class JobType {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,127}");

  private final String key;
  private final String name;
  private final List<StageSpec> stages;
  private final Function<JsonObject, List<StageSpec>> plan;
  private final Integer maxAttempts;
  private final Duration timeout;
  private final LockSpec lock;
  private final JobHandler handler;
  private final BlockingJobHandler blockingHandler;
  private final Consumer<JsonObject> inputValidator;

  private JobType(Builder b) {
    this.key = b.key;
    this.name = b.name == null ? b.key : b.name;
    this.stages = List.copyOf(b.stages);
    this.plan = b.plan;
    this.maxAttempts = b.maxAttempts;
    this.timeout = b.timeout;
    this.lock = b.lock;
    this.handler = b.handler;
    this.blockingHandler = b.blockingHandler;
    this.inputValidator = b.inputValidator;
  }

  public static Builder builder(String key) {
    return new Builder(key);
  }

  public String key() { return key; }
  public String name() { return name; }
  public Integer maxAttempts() { return maxAttempts; }
  public Duration timeout() { return timeout; }
  /** The lock jobs of this type take when their submission names none; its key may hold {@code {field}} of the input. */
  public LockSpec lock() { return lock; }
  public JobHandler handler() { return handler; }
  public BlockingJobHandler blockingHandler() { return blockingHandler; }

  /** Checks a submission's input; throws a {@code StagecoachException} ({@code invalid_input}) to refuse it. */
  void validateInput(JsonObject input) {
    if (inputValidator != null) {
      inputValidator.accept(input);
    }
  }

  /** Served by a remote worker rather than a handler in this process. */
  public boolean isRemote() {
    return handler == null && blockingHandler == null;
  }

  /** The stages a job with this input will go through, as known before it runs. */
  public List<StageSpec> stagesFor(JsonObject input) {
    return plan == null ? stages : plan.apply(input);
  }

  /** How {@code GET /job-types} and remote workers' announcements show the type. */
  public JsonObject toJson() {
    JsonArray stageArray = new JsonArray();
    stages.forEach(s -> stageArray.add(s.toJson()));
    return new JsonObject()
        .put("type", key)
        .put("name", name)
        .put("stages", stageArray)
        .put("stagesDependOnInput", plan != null)
        .put("defaults", new JsonObject()
            .put("maxAttempts", maxAttempts)
            .put("timeoutMs", timeout == null ? null : timeout.toMillis())
            .put("lock", lock == null ? null : lock.toJson()))
        .put("remote", isRemote());
  }

  /** A remote type from its announcement ({@link #toJson()} of the worker's definition). */
  public static JobType remoteFromJson(JsonObject json) {
    Builder b = builder(json.getString("type")).name(json.getString("name"));
    json.getJsonArray("stages", new JsonArray()).forEach(o -> b.stages.add(StageSpec.fromJson((JsonObject) o)));
    JsonObject defaults = json.getJsonObject("defaults", new JsonObject());
    b.maxAttempts = defaults.getInteger("maxAttempts");
    Long timeoutMs = defaults.getLong("timeoutMs");
    b.timeout = timeoutMs == null ? null : Duration.ofMillis(timeoutMs);
    JsonObject lock = defaults.getJsonObject("lock");
    b.lock = lock == null ? null : new LockSpec(lock.getString("key"), OnBusy.fromWire(lock.getString("onBusy")));
    return b.buildRemote();
  }

  /** Builds a {@link JobType}; {@link #handler} or {@link #blockingHandler} completes it. */
  public static final class Builder {
    private final String key;
    private String name;
    private final java.util.ArrayList<StageSpec> stages = new java.util.ArrayList<>();
    private Function<JsonObject, List<StageSpec>> plan;
    private Integer maxAttempts;
    private Duration timeout;
    private LockSpec lock;
    private JobHandler handler;
    private BlockingJobHandler blockingHandler;
    private Consumer<JsonObject> inputValidator;

    private Builder(String key) {
      if (key == null || !KEY.matcher(key).matches()) {
        throw new IllegalArgumentException("job type key must match " + KEY + ": " + key);
      }
      this.key = key;
    }

    public Builder name(String value) { name = value; return this; }

    public Builder stages(StageSpec... specs) {
      stages.addAll(List.of(specs));
      return this;
    }

    /** Stages that depend on the input, such as "one per file"; planned at submission. */
    public Builder stages(Function<JsonObject, List<StageSpec>> planner) {
      plan = planner;
      return this;
    }

    /** Checks inputs at submission, so a bad one is a 400 rather than a failed job. */
    public Builder validateInput(Consumer<JsonObject> validator) {
      inputValidator = validator;
      return this;
    }

    public Builder maxAttempts(int value) { maxAttempts = value; return this; }
    public Builder timeout(Duration value) { timeout = value; return this; }
    public Builder lock(String keyTemplate, OnBusy onBusy) { lock = new LockSpec(keyTemplate, onBusy); return this; }

    /** Completes the type with a non-blocking handler run on the runner's event loop. */
    public JobType handler(JobHandler value) {
      handler = Objects.requireNonNull(value);
      return new JobType(this);
    }

    /** Completes the type with a handler run on a worker thread, where it may block. */
    public JobType blockingHandler(BlockingJobHandler value) {
      blockingHandler = Objects.requireNonNull(value);
      return new JobType(this);
    }

    /** Completes the type as one served by a remote worker ({@code JobWorker}). */
    public JobType buildRemote() {
      return new JobType(this);
    }
  }
}
