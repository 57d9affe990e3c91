package io.stagecoach.runner;

import io.stagecoach.config.JobDefaults;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.LockSpec;
import io.stagecoach.job.NulCharacters;
import io.stagecoach.job.OnBusy;
import io.stagecoach.job.Stage;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a submission body into a new queued job, or refuses it with {@code invalid_input} /
 * {@code unknown_job_type}. REST and the event bus both submit through here.
 */
final class Submissions {
  static final String DEFAULT_TENANT = "default";
  static final int MAX_LABELS = 32;
  private static final Set<String> FIELDS = Set.of("type", "input", "priority", "runAt", "delayMs",
      "maxAttempts", "timeoutMs", "lock", "idempotencyKey", "labels", "tenant");
  private static final Set<String> LOCK_FIELDS = Set.of("key", "onBusy");
  private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9_./-]{1,64}");
  private static final Pattern LOCK_KEY = Pattern.compile("[A-Za-z0-9_.:/@-]{1,200}");
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,200}");
  private static final Pattern TEMPLATE_FIELD = Pattern.compile("\\{([A-Za-z0-9_]+)}");
  private static final long MAX_PRIORITY = 1_000_000;
  private static final long MAX_DELAY_MS = Duration.ofDays(366).toMillis();
  private static final long MAX_TIMEOUT_MS = Duration.ofDays(7).toMillis();

  private final JobTypeRegistry types;
  private final JobDefaults defaults;
  private final Clock clock;

  Submissions(JobTypeRegistry types, JobDefaults defaults, Clock clock) {
    this.types = types;
    this.defaults = defaults;
    this.clock = clock;
  }

  Job parse(JsonObject body) {
    if (body == null) {
      throw StagecoachException.invalidInput("the submission must be a JSON object");
    }
    rejectUnknown(body, FIELDS, "");
    String nul = NulCharacters.pathIn(body, "");
    if (nul != null) {
      throw NulCharacters.refused(nul);
    }
    JobType type = type(body.getValue("type"));
    JsonObject input = object(body, "input");
    type.validateInput(input);
    Instant now = clock.instant();
    Job job = new Job(JobIds.next(), type.key(), tenant(body.getValue("tenant")), now)
        .input(input)
        .priority((int) whole(body, "priority", 0, -MAX_PRIORITY, MAX_PRIORITY))
        .maxAttempts((int) whole(body, "maxAttempts",
            type.maxAttempts() != null ? type.maxAttempts() : defaults.maxAttempts(), 1, 100))
        .timeoutMs(whole(body, "timeoutMs",
            type.timeout() != null ? type.timeout().toMillis() : defaults.timeout().toMillis(), 1, MAX_TIMEOUT_MS))
        .runAt(runAt(body, now))
        .lock(lock(body.getValue("lock"), type, input))
        .idempotencyKey(idempotencyKey(body.getValue("idempotencyKey")))
        .labels(labels(body.getValue("labels")));
    for (StageSpec spec : type.stagesFor(input)) {
      job.stages().add(new Stage(spec.key(), spec.name(), spec.weight()));
    }
    // Only a keyed submission can be replayed; hashing every other one cost a drain a few percent.
    return job.idempotencyKey() == null ? job : job.fingerprint(fingerprint(body));
  }

  private static void rejectUnknown(JsonObject body, Set<String> allowed, String prefix) {
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw StagecoachException.invalidInput(prefix + field, "unknown field");
      }
    }
  }

  private JobType type(Object value) {
    if (!(value instanceof String key) || key.isEmpty()) {
      throw StagecoachException.invalidInput("type", "is required and must be a string");
    }
    JobType type = types.get(key);
    if (type == null) {
      throw new StagecoachException(ErrorCode.UNKNOWN_JOB_TYPE, "unknown job type '" + truncate(key) + "'",
          new JsonObject().put("type", truncate(key)));
    }
    return type;
  }

  private static JsonObject object(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject json)) {
      throw StagecoachException.invalidInput(field, "must be a JSON object");
    }
    return json;
  }

  private static String tenant(Object value) {
    if (value == null) {
      return DEFAULT_TENANT;
    }
    if (!(value instanceof String s) || !TENANT.matcher(s).matches()) {
      throw StagecoachException.invalidInput("tenant", "must be 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    return s;
  }

  static long whole(JsonObject body, String field, long fallback, long min, long max) {
    Object value = body.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw StagecoachException.invalidInput(field, "must be a whole number");
    }
    // Compared as a double first: longValue() of a number past the long range wraps around.
    long n = number.longValue();
    if (number.doubleValue() < min || number.doubleValue() > max || n < min || n > max) {
      throw StagecoachException.invalidInput(field, "must be between " + min + " and " + max);
    }
    return n;
  }

  private static Instant runAt(JsonObject body, Instant now) {
    Object runAt = body.getValue("runAt");
    if (runAt != null && body.getValue("delayMs") != null) {
      throw StagecoachException.invalidInput("runAt", "give runAt or delayMs, not both");
    }
    if (runAt != null) {
      if (!(runAt instanceof String s)) {
        throw StagecoachException.invalidInput("runAt", "must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
      }
      try {
        Instant at = Instant.parse(s).truncatedTo(ChronoUnit.MILLIS);
        if (at.isAfter(now.plusMillis(MAX_DELAY_MS))) {
          throw StagecoachException.invalidInput("runAt", "must be within a year");
        }
        return at.isBefore(now) ? now : at;
      } catch (DateTimeParseException e) {
        throw StagecoachException.invalidInput("runAt", "must be an ISO-8601 instant such as 2026-11-23T10:00:00Z");
      }
    }
    return now.plusMillis(whole(body, "delayMs", 0, 0, MAX_DELAY_MS));
  }

  private static LockSpec lock(Object value, JobType type, JsonObject input) {
    if (value == null) {
      return type.lock() == null ? null : new LockSpec(fillTemplate(type.lock().key(), input), type.lock().onBusy());
    }
    if (!(value instanceof JsonObject lock)) {
      throw StagecoachException.invalidInput("lock", "must be an object {\"key\", \"onBusy\"}");
    }
    rejectUnknown(lock, LOCK_FIELDS, "lock.");
    Object key = lock.getValue("key");
    if (!(key instanceof String k) || !LOCK_KEY.matcher(k).matches()) {
      throw StagecoachException.invalidInput("lock.key", "must be 1-200 characters of A-Z a-z 0-9 _ . : / @ -");
    }
    Object onBusy = lock.getValue("onBusy");
    if (onBusy != null && !(onBusy instanceof String)) {
      throw StagecoachException.invalidInput("lock.onBusy", "must be one of skip, wait, fail");
    }
    return new LockSpec(k, onBusy == null ? OnBusy.SKIP : OnBusy.fromWire((String) onBusy));
  }

  /** A type's default lock key with each {@code {field}} replaced by that input field. */
  private static String fillTemplate(String template, JsonObject input) {
    Matcher m = TEMPLATE_FIELD.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = input.getValue(m.group(1));
      if (value == null || value instanceof JsonObject || value instanceof JsonArray) {
        throw StagecoachException.invalidInput("input." + m.group(1), "is required by the job type's lock");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
    }
    m.appendTail(out);
    String key = out.toString();
    if (!LOCK_KEY.matcher(key).matches()) {
      throw StagecoachException.invalidInput("lock.key", "the type's lock key '" + truncate(key) + "' is not a valid lock key");
    }
    return key;
  }

  private static String idempotencyKey(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || !IDEMPOTENCY_KEY.matcher(s).matches()) {
      throw StagecoachException.invalidInput("idempotencyKey", "must be 1-200 printable ASCII characters");
    }
    return s;
  }

  private static Map<String, String> labels(Object value) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject json)) {
      throw StagecoachException.invalidInput("labels", "must be an object of strings");
    }
    if (json.size() > MAX_LABELS) {
      throw StagecoachException.invalidInput("labels", "at most " + MAX_LABELS + " labels");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json) {
      if (!LABEL_KEY.matcher(e.getKey()).matches()) {
        throw StagecoachException.invalidInput("labels", "label names are 1-64 characters of A-Z a-z 0-9 _ . / -");
      }
      if (!(e.getValue() instanceof String v) || v.length() > 256) {
        throw StagecoachException.invalidInput("labels." + e.getKey(), "must be a string of at most 256 characters");
      }
      labels.put(e.getKey(), v);
    }
    return labels;
  }

  /** SHA-256 of the submission with keys sorted, so key order does not make a replay a conflict. */
  private static String fingerprint(JsonObject body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String canonical = String.valueOf(canonical(body));
      return HexFormat.of().formatHex(digest.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object canonical(Object value) {
    if (value instanceof JsonObject json) {
      Map<String, Object> sorted = new TreeMap<>();
      json.forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
      return sorted;
    }
    if (value instanceof JsonArray array) {
      return array.stream().map(Submissions::canonical).toList();
    }
    return value;
  }

  private static String truncate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
