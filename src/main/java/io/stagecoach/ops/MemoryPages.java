package io.stagecoach.ops;

import io.stagecoach.store.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.Function;
import java.util.function.Predicate;

/** Newest-first pages of a map keyed by UUIDv7 ids, for the stores in memory. */
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
}
