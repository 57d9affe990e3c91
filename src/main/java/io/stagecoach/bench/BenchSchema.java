package io.stagecoach.bench;

import io.stagecoach.store.pg.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;

/**
 * A schema of its own for one PostgreSQL workload, dropped afterwards: every run starts from empty
 * tables, whatever earlier runs (or a run that was killed) left in the database.
 */
record BenchSchema(String baseUri, String name) {

  static Future<BenchSchema> create(Vertx vertx, String baseUri) {
    BenchSchema schema = new BenchSchema(baseUri, "stagecoach_bench_" + ProcessHandle.current().pid() + "_"
        + System.nanoTime() % 1_000_000);
    return schema.run(vertx, "CREATE SCHEMA " + schema.name).map(schema);
  }

  /** The base URI with this schema as the search path. */
  String uri() {
    return baseUri + (baseUri.contains("?") ? "&" : "?") + "search_path=" + name;
  }

  Future<Void> drop(Vertx vertx) {
    return run(vertx, "DROP SCHEMA IF EXISTS " + name + " CASCADE");
  }

  private Future<Void> run(Vertx vertx, String statement) {
    return PgConnection.connect(vertx, PgPools.connectOptions(baseUri, "stagecoach-bench"))
        .compose(conn -> conn.query(statement).execute().eventually(conn::close))
        .mapEmpty();
  }
}
