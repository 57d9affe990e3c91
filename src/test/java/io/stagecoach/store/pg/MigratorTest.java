package io.stagecoach.store.pg;

import io.stagecoach.testing.PgTestSchema;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MigratorTest {
  private static final int CONCURRENT_MIGRATORS = 6;

  private PgTestSchema schema;
  private final List<Pool> pools = new ArrayList<>();

  @BeforeEach
  void createSchema(Vertx vertx, VertxTestContext test) {
    PgTestSchema.create(vertx).onComplete(test.succeeding(created -> {
      schema = created;
      test.completeNow();
    }));
  }

  @AfterEach
  void dropSchema(Vertx vertx, VertxTestContext test) {
    Future.join(pools.stream().map(Pool::close).toList())
        .transform(closed -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("the migration list names every V*.sql file in db/migration, oldest first")
  void listMatchesFiles() throws IOException {
    List<String> files;
    try (Stream<Path> dir = Files.list(Path.of("src/main/resources", Migrator.RESOURCE_DIR))) {
      files = dir.map(path -> path.getFileName().toString()).filter(name -> name.matches("V\\d+__.*\\.sql")).sorted().toList();
    }
    assertEquals(files, Migrator.MIGRATIONS);
    assertEquals(files.size(), Migrator.load().size(), "every listed migration loads from the classpath");
  }

  @Test
  @DisplayName("a migrator applies what is missing once; run again it applies nothing and records nothing new")
  void secondRunIsNoOp(Vertx vertx, VertxTestContext test) {
    Migrator migrator = new Migrator(vertx, pool(vertx));

    migrator.migrate()
        .compose(first -> migrator.migrate().map(second -> List.of(first, second)))
        .compose(runs -> history(vertx).map(history -> {
          test.verify(() -> {
            assertEquals(Migrator.MIGRATIONS, runs.get(0), "the first run applies every migration");
            assertEquals(List.of(), runs.get(1), "the second run has nothing to do");
            assertEquals(versions(), history, "each version is recorded once");
          });
          return history;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("migrators started at once, as processes starting together would, apply each version exactly once")
  void concurrentMigrators(Vertx vertx, VertxTestContext test) {
    List<Future<List<String>>> runs = IntStream.range(0, CONCURRENT_MIGRATORS)
        .mapToObj(i -> new Migrator(vertx, pool(vertx)).migrate())
        .toList();

    Future.all(runs)
        .compose(all -> history(vertx).map(history -> {
          test.verify(() -> {
            List<String> applied = runs.stream().flatMap(run -> run.result().stream()).toList();
            assertEquals(Migrator.MIGRATIONS, applied, "one migrator applied everything, the others nothing");
            assertEquals(versions(), history);
          });
          return history;
        }))
        .compose(v -> schema.sql("SELECT count(*) AS n FROM stagecoach_jobs", vertx))
        .onComplete(test.succeeding(rows -> test.verify(() -> {
          assertEquals(0L, rows.iterator().next().getLong("n"), "the schema is usable");
          test.completeNow();
        })));
  }

  /** A pool of its own, like another process would have. */
  private Pool pool(Vertx vertx) {
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1))
        .connectingTo(PgJobStore.connectOptions(schema.uri()))
        .using(vertx)
        .build();
    pools.add(pool);
    return pool;
  }

  private Future<List<Integer>> history(Vertx vertx) {
    return schema.sql("SELECT version FROM stagecoach_schema_migrations ORDER BY version", vertx)
        .map(rows -> {
          List<Integer> versions = new ArrayList<>();
          for (Row row : rows) {
            versions.add(row.getInteger("version"));
          }
          return versions;
        });
  }

  private static List<Integer> versions() {
    return Migrator.load().stream().map(Migrator.Migration::version).toList();
  }
}
