package io.stagecoach.store;

import java.util.List;

/** One page of a list; {@code lastKey} is where the next page starts, null on the last page. */
public record Page<T>(List<T> items, String lastKey) {
}
