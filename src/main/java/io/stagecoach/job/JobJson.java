package io.stagecoach.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The one JSON mapping of a job record, used by REST, the event bus and webhooks alike. */
public final class JobJson {
  private JobJson() {
  }

  public static JsonObject toJson(Job job) {
    JsonObject json = new JsonObject()
        .put("id", job.id())
        .put("type", job.type())
        .put("tenant", job.tenant())
        .put("status", job.status().wire())
        .put("progress", round(job.progress()))
        .put("priority", job.priority())
        .put("input", job.input())
        .put("result", job.result())
        .put("error", job.error() == null ? null : job.error().toJson())
        .put("attempt", job.attempt())
        .put("maxAttempts", job.maxAttempts())
        .put("timeoutMs", job.timeoutMs())
        .put("lock", job.lock() == null ? null : job.lock().toJson())
        .put("idempotencyKey", job.idempotencyKey())
        .put("labels", new JsonObject(Map.copyOf(job.labels())))
        .put("createdAt", instant(job.createdAt()))
        .put("runAt", instant(job.runAt()))
        .put("startedAt", instant(job.startedAt()))
        .put("finishedAt", instant(job.finishedAt()))
        .put("updatedAt", instant(job.updatedAt()))
        .put("version", job.version());
    JsonArray stages = new JsonArray();
    for (Stage stage : job.stages()) {
      stages.add(toJson(stage));
    }
    return json.put("stages", stages);
  }

  public static JsonObject toJson(Stage stage) {
    JsonArray params = new JsonArray();
    for (Param param : stage.params()) {
      params.add(new JsonObject().put("key", param.key()).put("name", param.name()).put("value", param.value()));
    }
    JsonObject json = new JsonObject()
        .put("key", stage.key())
        .put("name", stage.name())
        .put("status", stage.status().wire())
        .put("progress", round(stage.progress()))
        .put("startedAt", instant(stage.startedAt()))
        .put("finishedAt", instant(stage.finishedAt()))
        .put("params", params);
    // Only a type that weighs its stages shows weights; the rest keep SPEC §2's shape exactly.
    return stage.weight() == 1.0 ? json : json.put("weight", stage.weight());
  }

  /** Reads back a record written by {@link #toJson(Job)}; lease fields are not part of it. */
  public static Job fromJson(JsonObject json) {
    Job job = new Job(json.getString("id"), json.getString("type"), json.getString("tenant"),
        parseInstant(json.getString("createdAt")))
        .priority(json.getInteger("priority", 0))
        .input(json.getJsonObject("input", new JsonObject()))
        .result(json.getJsonObject("result"))
        .maxAttempts(json.getInteger("maxAttempts", 1))
        .timeoutMs(json.getLong("timeoutMs", 0L))
        .idempotencyKey(json.getString("idempotencyKey"))
        .labels(labelsFromJson(json.getJsonObject("labels", new JsonObject())))
        .runAt(parseInstant(json.getString("runAt")))
        .error(errorFromJson(json.getJsonObject("error")))
        .lock(lockFromJson(json.getJsonObject("lock")));
    job.stages().addAll(stagesFromJson(json.getJsonArray("stages", new JsonArray())));
    return job.restore(JobStatus.fromWire(json.getString("status")), json.getInteger("attempt", 0),
        parseInstant(json.getString("startedAt")), parseInstant(json.getString("finishedAt")),
        parseInstant(json.getString("updatedAt")), json.getLong("version", 1L), null, null);
  }

  /** A job's error as {@link #toJson(Job)} writes it; null for null. */
  public static JobError errorFromJson(JsonObject error) {
    return error == null ? null : new JobError(error.getString("code"), error.getString("message"));
  }

  /** A job's lock as {@link #toJson(Job)} writes it; null for null. */
  public static LockSpec lockFromJson(JsonObject lock) {
    return lock == null ? null : new LockSpec(lock.getString("key"), OnBusy.fromWire(lock.getString("onBusy")));
  }

  /** Stages as {@link #toJson(Job)} writes them (a weight, when present, is read too). */
  public static List<Stage> stagesFromJson(JsonArray stages) {
    List<Stage> out = new ArrayList<>(stages.size());
    for (Object o : stages) {
      out.add(stageFromJson((JsonObject) o));
    }
    return out;
  }

  public static Map<String, String> labelsFromJson(JsonObject json) {
    Map<String, String> map = new java.util.LinkedHashMap<>();
    json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return map;
  }

  private static Stage stageFromJson(JsonObject json) {
    Stage stage = new Stage(json.getString("key"), json.getString("name"), json.getDouble("weight", 1.0));
    List<Param> params = new ArrayList<>();
    for (Object o : json.getJsonArray("params", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      params.add(new Param(p.getString("key"), p.getString("name"), p.getValue("value")));
    }
    stage.restore(StageStatus.fromWire(json.getString("status")), json.getDouble("progress", 0.0),
        parseInstant(json.getString("startedAt")), parseInstant(json.getString("finishedAt")), params);
    return stage;
  }

  /** Progress to four decimals: enough for a bar, and stable across JSON round trips. */
  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  /** Millisecond precision, always with the fraction: {@code 2026-11-23T10:00:00.000Z}. */
  public static String instant(Instant instant) {
    if (instant == null) {
      return null;
    }
    // Digit by digit into one char array: every event formats several instants, and both a
    // DateTimeFormatter and LocalDateTime plus string padding showed in profiles of the hot path.
    long seconds = instant.getEpochSecond();
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long monthIndex = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {
      return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
    char[] out = new char[24];
    digits(out, 0, (int) year, 4);
    out[4] = '-';
    digits(out, 5, month, 2);
    out[7] = '-';
    digits(out, 8, day, 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3_600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    digits(out, 20, instant.getNano() / 1_000_000, 3);
    out[23] = 'Z';
    return new String(out);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  private static Instant parseInstant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
