package io.stagecoach.store;

import io.stagecoach.job.LogLine;
import java.util.List;

/** Log lines after a seq, and how many older lines the per-job cap has dropped. */
public record LogPage(List<LogLine> items, long dropped) {
}
