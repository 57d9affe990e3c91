package io.stagecoach.runner;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The job types this process knows: registered in code, or announced by remote workers. */
public final class JobTypeRegistry {
  private final Map<String, JobType> types = new ConcurrentHashMap<>();

  /** Adds a type; a second registration of the same key replaces the first. */
  public JobTypeRegistry register(JobType type) {
    types.put(type.key(), type);
    return this;
  }

  /** Records a remote worker's type, unless this process runs that type itself. */
  void registerRemote(JobType type) {
    types.merge(type.key(), type, (existing, announced) -> existing.isRemote() ? announced : existing);
  }

  public JobType get(String key) {
    return types.get(key);
  }

  public List<JobType> all() {
    Collection<JobType> values = types.values();
    return values.stream().sorted(Comparator.comparing(JobType::key)).toList();
  }
}
