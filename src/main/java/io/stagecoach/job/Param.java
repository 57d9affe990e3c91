package io.stagecoach.job;

/** A named value a stage reports, such as "Total files" = 857. {@code key} is the slug of the name. */
public record Param(String key, String name, Object value) {

  public static Param of(String name, Object value) {
    return new Param(Slug.of(name), name, value);
  }
}
