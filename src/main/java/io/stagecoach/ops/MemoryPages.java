package io.stagecoach.ops;

import io.stagecoach.store.Page;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;
import java.util.function.Predicate;

/** Newest-first pages, and retention, of a map keyed by UUIDv7 ids, for the stores in memory. */
final class MemoryPages {
  private MemoryPages() {
  }

  static <T> Page<T> newestFirst(NavigableMap<String, T> map, Predicate<T> wanted, int limit, Function<T, String> key) {
    List<T> page = new ArrayList<>();
    for (T item : map.descendingMap().values()) {
      if (wanted.test(item)) {
        if (page.size() == limit) {
          return new Page<>(List.copyOf(page), key.apply(page.get(page.size() - 1)));
        }
        page.add(item);
      }
    }
    return new Page<>(List.copyOf(page), null);
  }

  /** Drops the oldest (lowest-id) items beyond {@code max}: O(log n) for each one added. */
  static <T> void keepNewest(NavigableMap<String, T> map, int max) {
    while (map.size() > max) {
      map.pollFirstEntry();
    }
  }

  /** Removes up to {@code limit} items whose time is before {@code before}, oldest first; answers how many. */
  static <T> int pruneOldest(NavigableMap<String, T> map, Function<T, Instant> time, Instant before, int limit) {
    List<Map.Entry<String, T>> old = map.entrySet().stream()
        .filter(e -> time.apply(e.getValue()).isBefore(before))
        .sorted(Comparator.comparing(e -> time.apply(e.getValue())))
        .limit(limit)
        .toList();
    old.forEach(e -> map.remove(e.getKey()));
    return old.size();
  }
}
