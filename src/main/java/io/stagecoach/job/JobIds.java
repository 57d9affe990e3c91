package io.stagecoach.job;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;
import java.util.regex.Pattern;

/** Job ids are UUIDv7: time-ordered, so "newest first" is "highest id first". */
public final class JobIds {
  private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private JobIds() {
  }

  public static String next() {
    return GENERATOR.generate().toString();
  }

  /** A lower-case canonical UUID; anything else cannot be a job id. */
  public static boolean isValid(String id) {
    return id != null && UUID_TEXT.matcher(id).matches();
  }

  public static String random() {
    return UUID.randomUUID().toString();
  }
}
