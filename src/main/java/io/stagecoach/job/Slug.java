package io.stagecoach.job;

import java.util.Locale;

/** Param and stage keys: the name in lower case, every run of non-alphanumerics one {@code _}. */
public final class Slug {
  private Slug() {
  }

  public static String of(String name) {
    String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    slug = slug.replaceAll("^_+|_+$", "");
    return slug.isEmpty() ? "_" : slug;
  }
}
